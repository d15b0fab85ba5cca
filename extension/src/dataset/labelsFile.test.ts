import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editLabelBytes, editLabelsBytes, LabelEditRefused, labelEditInText, labelEditsInText, setLabelInFile, setLabelsInFile, type RowLabelEdit } from './labelsFile';

// A spreadsheet export as users have them: a UTF-8 BOM, CRLF rows with one LF row, an extra
// column holding cp1252 bytes (0x92 is ’, 0xE9 is é: not UTF-8), a quoted field, a blank line,
// one image listed twice under two spellings, and a file name in UTF-8.
// Each row is [before the label, the label field as written, after it]; `messy(overrides)`
// builds the bytes with some label fields replaced, so the expected file is spelled out in full.
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ROWS: [string | Buffer, string, string | Buffer][] = [
  ['file,label,box,digit_boxes,note\r\n', '', ''],
  ['x/1.png,', '12', ',1 2 3 4,,plain\r\n'],
  ['x/./1.png,', '34', ',,,"quoted, with a comma"\r\n'],
  ['\r\n', '', ''],
  ['y/2.png,', '5', Buffer.from([...Buffer.from(',,,caf'), 0xe9, 0x0a])],
  ['z/3.png,', '"78"', Buffer.from([...Buffer.from(',,,it'), 0x92, ...Buffer.from('s\r\n')])],
  ['w/4.png,', '', ',,,\r\n'],
  [Buffer.from('café/5.png,', 'utf8'), '9', ',,,\r\n'],
];
/** Line of each row in ROWS (the index: no field holds a line break). */
const X1 = 1;
const X_DOT_1 = 2;
const BLANK = 3;
const Y2 = 4;
const Z3 = 5;
const W4 = 6;
const CAFE = 7;

function messy(overrides: Record<number, string> = {}): Buffer {
  const parts: Buffer[] = [BOM];
  ROWS.forEach(([head, label, tail], line) => {
    parts.push(Buffer.from(head), Buffer.from(overrides[line] ?? label, 'latin1'), Buffer.from(tail));
  });
  return Buffer.concat(parts);
}

async function labelsFile(bytes: Buffer = messy(), mode = 0o644): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'labels-file-'));
  const file = path.join(dir, 'labels.csv');
  await fs.writeFile(file, bytes);
  await fs.chmod(file, mode);
  return file;
}

const edit = (line: number, file: string, expected: string, label: string): RowLabelEdit => ({ line, file, expected, label });

test('the fixture is what it claims: BOM, CRLF with one LF row, cp1252 bytes, quotes, a blank line', () => {
  const bytes = messy();
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(bytes.includes(0x92) && bytes.includes(0xe9));
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), 'not valid UTF-8');
  const text = bytes.toString('latin1');
  assert.equal(text.split('\r\n').length - 1, ROWS.length - 1);
  assert.equal(text.split(/(?<!\r)\n/).length - 1, 1);
});

test('editing the row of x/./1.png changes exactly its label bytes, not the x/1.png row', async () => {
  const file = await labelsFile();
  assert.equal(await setLabelInFile(file, edit(X_DOT_1, 'x/./1.png', '34', '0432')), 'written');
  assert.deepEqual(await fs.readFile(file), messy({ [X_DOT_1]: '0432' }));
  // ...and x/1.png by its own line, then the LF row, the quoted label and the UTF-8 file name.
  await setLabelInFile(file, edit(X1, 'x/1.png', '12', '-'));
  await setLabelInFile(file, edit(Y2, 'y/2.png', '5', ''));
  await setLabelInFile(file, edit(Z3, 'z/3.png', '78', '901'));
  await setLabelInFile(file, edit(CAFE, 'café/5.png', '9', '19'));
  await setLabelInFile(file, edit(W4, 'w/4.png', '', '44'));
  assert.deepEqual(await fs.readFile(file), messy({ [X_DOT_1]: '0432', [X1]: '-', [Y2]: '', [Z3]: '901', [CAFE]: '19', [W4]: '44' }));
  assert.deepEqual(await fs.readdir(path.dirname(file)), ['labels.csv'], 'no temporary file is left');
});

test('without a BOM the bytes are kept the same way', () => {
  const bytes = messy().subarray(3);
  assert.deepEqual(editLabelBytes(bytes, edit(X_DOT_1, 'x/./1.png', '34', '7')), messy({ [X_DOT_1]: '7' }).subarray(3));
});

test('setting the label a row has already writes nothing', async () => {
  const file = await labelsFile();
  const before = await fs.stat(file);
  assert.equal(await setLabelInFile(file, edit(X1, 'x/1.png', '12', '12')), 'unchanged');
  assert.equal((await fs.stat(file)).ino, before.ino);
});

test('a stale edit is refused with a message and the file stays byte-identical', async () => {
  const file = await labelsFile();
  const refused = async (e: RowLabelEdit, message: RegExp): Promise<void> => {
    await assert.rejects(setLabelInFile(file, e), (err: unknown) => {
      assert.ok(err instanceof LabelEditRefused, String(err));
      assert.equal(err.stale, true);
      assert.match(err.message, message);
      assert.match(err.message, /nothing was written$/);
      return true;
    });
    assert.deepEqual(await fs.readFile(file), messy(), JSON.stringify(e));
  };
  // The label changed underneath (the gallery showed 33).
  await refused(edit(X_DOT_1, 'x/./1.png', '33', '1'), /^the row of x\/\.\/1\.png on line 3 changed since the gallery showed it \(now labeled 34\)/);
  await refused(edit(W4, 'w/4.png', '4', '1'), /\(now unlabeled\)/);
  // The row moved: line 2 lists the other spelling now; never guessed to be "the same image".
  await refused(edit(X1, 'x/./1.png', '34', '1'), /\(line 2 now lists x\/1\.png; it is on line 3\)/);
  // Another file on that line.
  await refused(edit(Y2, 'q/9.png', '5', '1'), /\(line 5 now lists y\/2\.png; no line lists it\)/);
  // The row was deleted: a blank line, or past the end.
  await refused(edit(BLANK, 'v/8.png', '3', '1'), /\(line 4 holds no readable row now; no line lists it\)/);
  await refused(edit(40, 'x/1.png', '12', '1'), /\(line 41 holds no readable row now; it is on line 2\)/);
  // The file name as the gallery saw it (UTF-8), not its bytes read one by one.
  await refused(edit(CAFE, 'cafÃ©/5.png', '9', '1'), /line 8 now lists café\/5\.png/);
});

test('labels the format would not read back are refused', async () => {
  const file = await labelsFile();
  for (const label of ['12a', ' 12', '12 ', '1-2', '--', '1\n', '"1"', '١٢']) {
    await assert.rejects(setLabelInFile(file, edit(X1, 'x/1.png', '12', label)), (err: unknown) => {
      assert.ok(err instanceof LabelEditRefused && !err.stale && /is not a label/.test(err.message), String(err));
      return true;
    });
  }
  assert.deepEqual(await fs.readFile(file), messy());
});

test("the file's permission bits are kept", async () => {
  for (const mode of [0o600, 0o640, 0o664]) {
    const file = await labelsFile(messy(), mode);
    await setLabelInFile(file, edit(X1, 'x/1.png', '12', '13'));
    assert.equal((await fs.stat(file)).mode & 0o7777, mode, mode.toString(8));
  }
  const readOnly = await labelsFile(messy(), 0o444);
  await assert.rejects(setLabelInFile(readOnly, edit(X1, 'x/1.png', '12', '13')), /labels\.csv is read-only; nothing was written/);
  assert.deepEqual(await fs.readFile(readOnly), messy());
});

test('a labels file reached through a symlink is edited where it is; the link stays', async () => {
  const file = await labelsFile();
  const link = path.join(path.dirname(file), 'link.csv');
  await fs.symlink(file, link);
  await setLabelInFile(link, edit(X1, 'x/1.png', '12', '13'));
  assert.ok((await fs.lstat(link)).isSymbolicLink());
  assert.deepEqual(await fs.readFile(file), messy({ [X1]: '13' }));
});

test('a deleted labels file is a refusal, not a crash', async () => {
  const file = await labelsFile();
  await fs.rm(file);
  await assert.rejects(setLabelInFile(file, edit(X1, 'x/1.png', '12', '13')), /labels\.csv no longer exists; nothing was written/);
});

test('a change by someone else during the edit is kept: the edit is made again on the new bytes', async () => {
  const file = await labelsFile();
  let calls = 0;
  // Another program fixes the LF row's label while the gallery's edit is being written.
  const other = messy({ [Y2]: '55' });
  await setLabelInFile(file, edit(X_DOT_1, 'x/./1.png', '34', '0432'), {
    beforeCommit: async () => {
      if (calls++ === 0) await fs.writeFile(file, other);
    },
  });
  assert.equal(calls, 2);
  assert.deepEqual(await fs.readFile(file), messy({ [Y2]: '55', [X_DOT_1]: '0432' }));
});

test('a change of the same size is seen too', async () => {
  const file = await labelsFile();
  // Whole seconds, which utimes can put back exactly.
  const second = 1_700_000_000;
  await fs.utimes(file, second, second);
  let calls = 0;
  await setLabelInFile(file, edit(X1, 'x/1.png', '12', '13'), {
    beforeCommit: async () => {
      if (calls++ > 0) return;
      // Same size, same inode, and the mtime as it was, as a write within one clock tick leaves them.
      await fs.writeFile(file, messy({ [X_DOT_1]: '35' }));
      await fs.utimes(file, second, second);
    },
  });
  assert.deepEqual(await fs.readFile(file), messy({ [X_DOT_1]: '35', [X1]: '13' }));
});

test('a concurrent change that moves the row, or that never stops, is refused and kept', async () => {
  const moved = await labelsFile();
  // A line inserted above: line 3 is x/1.png's row now, not x/./1.png's.
  const shifted = Buffer.concat([messy().subarray(0, 3 + ROWS[0][0].length), Buffer.from('new.png,1,,,\r\n'), messy().subarray(3 + ROWS[0][0].length)]);
  await assert.rejects(
    setLabelInFile(moved, edit(X_DOT_1, 'x/./1.png', '34', '0432'), { beforeCommit: () => fs.writeFile(moved, shifted) }),
    /line 3 now lists x\/1\.png; it is on line 4/,
  );
  assert.deepEqual(await fs.readFile(moved), shifted);

  const busy = await labelsFile();
  let n = 0;
  await assert.rejects(
    setLabelInFile(busy, edit(X1, 'x/1.png', '12', '13'), { beforeCommit: () => fs.writeFile(busy, messy({ [W4]: String(++n) })) }),
    /kept changing on disk while the label was being written; nothing was written/,
  );
  assert.deepEqual(await fs.readFile(busy), messy({ [W4]: String(n) }));
  assert.deepEqual(await fs.readdir(path.dirname(busy)), ['labels.csv']);
});

test("in an editor's text, the edit is the label's characters on the row's line", () => {
  // As VS Code's model holds the file: decoded, one line end, unsaved changes included.
  const text = '\uFEFFfile,label,box,digit_boxes,note\nx/1.png,12,1 2 3 4,,plain typed\nx/./1.png,"34",,,\ncafé/5.png,9,,,\n';
  assert.deepEqual(labelEditInText(text, edit(2, 'x/./1.png', '34', '0432')), { line: 2, startChar: 10, endChar: 14, newText: '0432' });
  assert.deepEqual(labelEditInText(text, edit(3, 'café/5.png', '9', '')), { line: 3, startChar: 11, endChar: 12, newText: '' });
  assert.equal(labelEditInText(text, edit(1, 'x/1.png', '12', '12')), undefined);
  assert.throws(() => labelEditInText(text, edit(1, 'x/./1.png', '34', '1')), /line 2 now lists x\/1\.png; it is on line 3/);
  assert.throws(() => labelEditInText(text, edit(1, 'x/1.png', '12', '1a')), /"1a" is not a label/);
});

test('a batch sets every label it names in one write, each field byte-exact, every other byte kept', async () => {
  const file = await labelsFile();
  const before = await fs.stat(file);
  const batch = [edit(Z3, 'z/3.png', '78', '901'), edit(X_DOT_1, 'x/./1.png', '34', '0432'), edit(W4, 'w/4.png', '', '-'), edit(CAFE, 'café/5.png', '9', '9')];
  assert.equal(await setLabelsInFile(file, batch), 'written');
  assert.deepEqual(await fs.readFile(file), messy({ [Z3]: '901', [X_DOT_1]: '0432', [W4]: '-' }));
  assert.notEqual((await fs.stat(file)).ino, before.ino, 'one atomic replace');
  assert.deepEqual(await fs.readdir(path.dirname(file)), ['labels.csv']);
  // Its undo is a batch too: back to what each row had, expecting what the batch set.
  const undo = batch.map((e) => edit(e.line, e.file, e.label, e.expected));
  assert.equal(await setLabelsInFile(file, undo), 'written');
  // The value comes back, as the format writes it: "78" was quoted by hand, and needs no quotes.
  assert.deepEqual(await fs.readFile(file), messy({ [Z3]: '78' }));
  // Nothing to change: nothing written.
  const same = await fs.stat(file);
  assert.equal(await setLabelsInFile(file, [edit(X1, 'x/1.png', '12', '12')]), 'unchanged');
  assert.equal(await setLabelsInFile(file, []), 'unchanged');
  assert.equal((await fs.stat(file)).ino, same.ino);
  assert.deepEqual(await fs.readFile(file), messy({ [Z3]: '78' }));
});

test('a batch is all or nothing: one stale row, one bad label or one row named twice refuses it all', async () => {
  const file = await labelsFile();
  const good = [edit(X1, 'x/1.png', '12', '13'), edit(Y2, 'y/2.png', '5', '6')];
  const refused = async (batch: RowLabelEdit[], message: RegExp, stale: boolean): Promise<void> => {
    await assert.rejects(setLabelsInFile(file, batch), (err: unknown) => {
      assert.ok(err instanceof LabelEditRefused, String(err));
      assert.equal(err.stale, stale);
      assert.match(err.message, message);
      assert.match(err.message, /nothing was written$/);
      return true;
    });
    assert.deepEqual(await fs.readFile(file), messy(), JSON.stringify(batch));
    assert.throws(() => editLabelsBytes(messy(), batch), message);
  };
  // The last row of the batch changed since the page showed it (it showed 4).
  await refused([...good, edit(W4, 'w/4.png', '4', '44')], /the row of w\/4\.png on line 7 changed since the gallery showed it \(now unlabeled\)/, true);
  // A row moved: line 3 lists another file now.
  await refused([edit(X_DOT_1, 'x/1.png', '12', '1'), ...good], /line 3 now lists x\/\.\/1\.png; it is on line 2/, true);
  await refused([...good, edit(Z3, 'z/3.png', '78', '7a')], /"7a" is not a label/, false);
  await refused([...good, edit(X1, 'x/1.png', '12', '14')], /the row on line 2 is named twice in one change/, false);
});

test("a batch in an editor's text: one replacement per changed label, each in the text as given", () => {
  const text = '\uFEFFfile,label,box,digit_boxes,note\nx/1.png,12,1 2 3 4,,plain typed\nx/./1.png,"34",,,\ncafé/5.png,9,,,\n';
  assert.deepEqual(
    labelEditsInText(text, [edit(3, 'café/5.png', '9', '1234'), edit(1, 'x/1.png', '12', '12'), edit(2, 'x/./1.png', '34', '-')]),
    [
      { line: 3, startChar: 11, endChar: 12, newText: '1234' },
      { line: 2, startChar: 10, endChar: 14, newText: '-' },
    ],
  );
  assert.throws(() => labelEditsInText(text, [edit(3, 'café/5.png', '9', '1'), edit(2, 'x/./1.png', '35', '1')]), /line 3 changed since the gallery showed it \(now labeled 34\)/);
  assert.deepEqual(labelEditsInText(text, []), []);
});

test('a batch of thousands of rows: each edit lands on its own row, the rows between keep theirs', () => {
  const rows = 20_000;
  const text = 'file,label\n' + Array.from({ length: rows }, (_, i) => `img/${i}.png,${i % 10}\n`).join('');
  const batch = Array.from({ length: rows / 2 }, (_, k) => edit(2 * k + 1, `img/${2 * k}.png`, String((2 * k) % 10), '7'));
  const edited = editLabelsBytes(Buffer.from(text), batch).toString();
  const lines = edited.split('\n');
  assert.equal(lines[1], 'img/0.png,7');
  assert.equal(lines[2], 'img/1.png,1');
  assert.equal(lines[rows - 1], `img/${rows - 2}.png,7`);
  assert.equal(lines[rows], `img/${rows - 1}.png,9`);
});
