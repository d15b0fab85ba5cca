// The digitStruct.mat reader on files written here in SVHN's layout (test/support/digitStructWriter.ts),
// sound and hostile; the real sample files are read in svhnImport.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { svhnLikeEntries, writeDigitStruct, writeStruct, type WriteDigitStructOptions, type WrittenEntry } from '../../../../test/support/digitStructWriter';
import { DigitStructError, readDigitStruct } from './digitStruct';
import { tempDir } from '../../../../test/support/tempDirs';


async function tempMat(): Promise<string> {
  return path.join(await tempDir('digit-struct-'), 'digitStruct.mat');
}

/** The reader's error for a file written with `options`: a DigitStructError, one line, naming the file. */
async function readError(entries: readonly WrittenEntry[], options: WriteDigitStructOptions): Promise<string> {
  const file = await tempMat();
  await writeDigitStruct(file, entries, options);
  const err = await readDigitStruct(file).then(
    () => assert.fail('read a hostile file'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DigitStructError, String(err));
  assert.ok(err.message.startsWith(`${file}: `), err.message);
  assert.ok(!err.message.includes('\n'), err.message);
  return err.message;
}

test('reads back what SVHN-shaped writing put in: names, and one or several digits per image', async () => {
  const entries = svhnLikeEntries(60, 7);
  assert.ok(entries.some((e) => e.digits.length === 1) && entries.some((e) => e.digits.length >= 3));
  const file = await tempMat();
  await writeDigitStruct(file, entries);
  const progress: [number, number][] = [];
  const read = await readDigitStruct(file, { onProgress: (done, total) => progress.push([done, total]) });
  assert.deepEqual(read, entries);
  assert.deepEqual(progress.at(-1), [60, 60]);
});

test('a count beyond the limits is refused before anything of that size is read', async () => {
  const message = await readError(svhnLikeEntries(3), {
    struct(file, _refs, names, boxes) {
      // A billion entries declared, nothing stored: reading them would make a billion references.
      const struct = file.create_group('digitStruct');
      for (const [key, data] of [['name', names], ['bbox', boxes]] as const) {
        struct.create_dataset({ name: key, data, shape: [data.length, 1], maxshape: [null, 1], chunks: [1024, 1] }).resize([1_000_000_000, 1]);
      }
    },
  });
  assert.match(message, /digitStruct\/name holds 1000000000 references, more than the 2000000/);
  const longNumber = { name: 'long.png', digits: Array.from({ length: 100 }, (_, k) => ({ label: 1 + (k % 10), left: k, top: 0, width: 1, height: 5 })) };
  assert.match(await readError([longNumber, ...svhnLikeEntries(3)], {}), /entry 1 of 4 \("long\.png"\): bbox\.label holds 100 references, more than the 64/);
});

test('entries sharing one object cannot multiply the work past what the file holds', async () => {
  const [entry] = svhnLikeEntries(1);
  const longNumber = { name: 'long.png', digits: Array.from({ length: 60 }, (_, k) => ({ label: 1 + (k % 10), left: k, top: 0, width: 1, height: 5 })) };
  const message = await readError([entry, longNumber], {
    struct(file, refs, names, boxes) {
      // 5,000 entries whose bbox is the same 60-digit group: 1.5 million reads from a file of 300 objects.
      writeStruct(file, Array.from({ length: 5000 }, () => names[0]), Array.from({ length: 5000 }, () => boxes[1]));
    },
  });
  assert.match(message, /entry 3 of 5000 \("1\.png"\): its references reach the \d+ objects of \/#refs# more than twice over; SVHN's files use each once/);
});

test('reference cycles and references to the wrong kind of object are malformed fields, not loops', async () => {
  const [entry] = svhnLikeEntries(1);
  // A bbox whose label refers back to the bbox group itself.
  const selfReferring = await readError([entry], {
    struct(file, refs, names) {
      const group = refs.group.create_group(refs.name());
      const self = group.create_reference();
      group.create_dataset({ name: 'label', data: [self], shape: [1, 1] });
      for (const field of ['left', 'top', 'width', 'height']) group.create_dataset({ name: field, data: new Float64Array([3]), shape: [1, 1] });
      writeStruct(file, names, [self]);
    },
  });
  assert.match(selfReferring, /entry 1 of 1 \("1\.png"\): bbox\.label\[1\] is not a dataset/);
  // A name that refers to a bbox group, and one that is a number.
  assert.match(await readError([entry], { struct: (file, _refs, _names, boxes) => writeStruct(file, boxes, boxes) }), /entry 1 of 1: its name is not a dataset/);
  assert.match(await readError([entry], { struct: (file, refs, _names, boxes) => writeStruct(file, [refs.scalar(3.5)], boxes) }), /its name is not text/);
  // A reference to an object outside /#refs#, where MATLAB never puts one.
  const outside = await readError([entry], {
    struct(file, _refs, _names, boxes) {
      const elsewhere = file.create_dataset({ name: 'elsewhere', data: Uint16Array.from('1.png', (c) => c.charCodeAt(0)), shape: [5, 1] });
      writeStruct(file, [elsewhere.create_reference()], boxes);
    },
  });
  assert.match(outside, /its name refers to nothing in \/#refs#/);
});

test('files of another shape say what is wrong with them', async () => {
  const entries = svhnLikeEntries(3);
  assert.match(await readError(entries, { struct: (file, _refs, names, boxes) => writeStruct(file, names.slice(1), boxes) }), /digitStruct\/name lists 2 images but digitStruct\/bbox 3/);
  assert.match(await readError(entries, { struct: (file) => void file.create_group('somethingElse') }), /has no digitStruct group/);
  const uneven = await readError(entries, {
    struct(file, refs, names, boxes) {
      const group = refs.group.create_group(refs.name());
      group.create_dataset({ name: 'label', data: [refs.scalar(1), refs.scalar(2)], shape: [2, 1] });
      for (const field of ['left', 'top', 'width', 'height']) group.create_dataset({ name: field, data: new Float64Array([3]), shape: [1, 1] });
      writeStruct(file, names, [...boxes.slice(0, 2), group.create_reference()]);
    },
  });
  assert.match(uneven, /entry 3 of 3 \("3\.png"\): its bbox has 2 labels but 1 left values/);
  const missingField = await readError(entries, {
    struct(file, refs, names, boxes) {
      const group = refs.group.create_group(refs.name());
      group.create_dataset({ name: 'label', data: new Float64Array([3]), shape: [1, 1] });
      writeStruct(file, names, [group.create_reference(), ...boxes.slice(1)]);
    },
  });
  assert.match(missingField, /entry 1 of 3 \("1\.png"\): bbox\.left is missing/);
});

test('damaged bytes give a one-line error, and the reader still reads a sound file afterwards', async () => {
  const file = await tempMat();
  const entries = svhnLikeEntries(20, 3);
  await writeDigitStruct(file, entries);
  const sound = await fs.readFile(file);
  for (const [from, to, fill] of [
    [sound.length / 2, sound.length, 0],
    [3000, 6000, 0xff],
    [800, 3000, 0],
  ] as const) {
    const damaged = Buffer.from(sound);
    damaged.fill(fill, Math.floor(from), to);
    await fs.writeFile(file, damaged);
    const err = await readDigitStruct(file).then(
      () => assert.fail(`bytes ${from}..${to} set to ${fill} went unnoticed`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DigitStructError && !err.message.includes('\n'), String(err));
    assert.match(err.message, /cannot be read as HDF5, damaged\?/);
  }
  await fs.writeFile(file, sound);
  assert.deepEqual(await readDigitStruct(file), entries);
});
