import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { recoverDirSwap, replaceDirAtomic, writeFileAtomic } from './atomicWrite';

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

test('writeFileAtomic keeps a mode it is given, whatever the umask', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-'));
  const target = path.join(dir, 'labels.csv');
  await writeFileAtomic(target, 'x', { mode: 0o640 });
  assert.equal((await fs.stat(target)).mode & 0o777, 0o640);
});

test('a crash between the two renames of a directory swap leaves the old directory, recovered on the next start', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atomic-'));
  const target = path.join(dir, 'model');
  await replaceDirAtomic(target, (d) => fs.writeFile(path.join(d, 'model.json'), 'v1'));
  // A real crash: a child process killed right after the old directory was moved aside.
  const script = [
    `const { replaceDirAtomic } = require(${JSON.stringify(path.join(import.meta.dirname, 'atomicWrite.ts'))});`,
    `const fs = require('node:fs/promises');`,
    `replaceDirAtomic(${JSON.stringify(target)}, (d) => fs.writeFile(d + '/model.json', 'v2'), { afterMoveAside: () => process.kill(process.pid, 'SIGKILL') });`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  const left = await fs.readdir(dir);
  assert.ok(!left.includes('model'), `the crash left no model/ (${left.join(', ')})`);
  assert.ok(left.some((n) => n.endsWith('.old')) && left.some((n) => n.endsWith('.new')), left.join(', '));
  assert.equal(await recoverDirSwap(target), 'restored');
  assert.equal(await fs.readFile(path.join(target, 'model.json'), 'utf8'), 'v1');
  assert.deepEqual(await fs.readdir(dir), ['model'], 'the half-swapped copies are gone');
  assert.equal(await recoverDirSwap(target), 'nothing');
  // Leftovers beside a whole target are only cleaned.
  await fs.mkdir(path.join(dir, '.model.abc.new'));
  assert.equal(await recoverDirSwap(target), 'cleaned');
  assert.deepEqual(await fs.readdir(dir), ['model']);
});
