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
