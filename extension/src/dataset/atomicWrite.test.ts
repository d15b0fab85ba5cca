import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { replaceDirAtomic, writeFileAtomic } from './atomicWrite';

test('writeFileAtomic replaces the file and leaves no temporary behind', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-'));
  const target = path.join(dir, 'sub', 'p.csv');
  await writeFileAtomic(target, 'one');
  await writeFileAtomic(target, 'two');
  assert.equal(await fs.readFile(target, 'utf8'), 'two');
  assert.deepEqual(await fs.readdir(path.dirname(target)), ['p.csv']);
});

test('writeFileAtomic sets the permission bits it is given, whatever the umask', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-'));
  const target = path.join(dir, 'labels.csv');
  for (const mode of [0o600, 0o640, 0o664, 0o755]) {
    await writeFileAtomic(target, `mode ${mode}`, { mode });
    assert.equal((await fs.stat(target)).mode & 0o7777, mode, mode.toString(8));
  }
});

test('writeFileAtomic leaves the target as it was when beforeRename throws', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-'));
  const target = path.join(dir, 'labels.csv');
  await writeFileAtomic(target, 'old');
  let checked = false;
  await assert.rejects(
    writeFileAtomic(target, 'new', {
      beforeRename: async () => {
        // The new content is complete on disk by now, beside the target.
        const tmp = (await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'));
        assert.equal(tmp.length, 1);
        assert.equal(await fs.readFile(path.join(dir, tmp[0]), 'utf8'), 'new');
        checked = true;
        throw new Error('changed meanwhile');
      },
    }),
    /changed meanwhile/,
  );
  assert.ok(checked);
  assert.equal(await fs.readFile(target, 'utf8'), 'old');
  assert.deepEqual(await fs.readdir(dir), ['labels.csv']);
});

test('replaceDirAtomic keeps the old directory when filling fails', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-'));
  const target = path.join(dir, 'model');
  await replaceDirAtomic(target, (d) => fs.writeFile(path.join(d, 'model.json'), 'v1'));
  await assert.rejects(
    replaceDirAtomic(target, async (d) => {
      await fs.writeFile(path.join(d, 'model.json'), 'half');
      throw new Error('crash mid-save');
    }),
    /crash mid-save/,
  );
  assert.equal(await fs.readFile(path.join(target, 'model.json'), 'utf8'), 'v1');
  assert.deepEqual(await fs.readdir(dir), ['model']);
  await replaceDirAtomic(target, (d) => fs.writeFile(path.join(d, 'model.json'), 'v2'));
  assert.equal(await fs.readFile(path.join(target, 'model.json'), 'utf8'), 'v2');
});
