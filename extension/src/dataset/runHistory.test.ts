import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runRecordOf } from '../../../test/support/runRecords';
import { tempDir } from '../../../test/support/tempDirs';
import { readRunHistory, readRunRecord, writeRunRecord } from './runHistory';

test('records are written whole and read back checked, newest first', async () => {
  const dir = path.join(await tempDir('dl-runs-'), 'runs');
  assert.deepEqual(await readRunHistory(dir), { runs: [], problems: [] });
  const older = { ...runRecordOf(3), id: '20261129-100000000-aaaa' };
  const newer = { ...runRecordOf(5), id: '20261129-110000000-bbbb' };
  await writeRunRecord(dir, older);
  const file = await writeRunRecord(dir, newer);
  assert.equal(path.basename(file), '20261129-110000000-bbbb.json');
  assert.deepEqual(await readRunRecord(file), newer);
  const history = await readRunHistory(dir);
  assert.deepEqual(history.runs.map((r) => r.id), [newer.id, older.id]);
  assert.deepEqual(history.problems, []);
});

test('a bad file is reported with its reason and left as it is; temporary files are not runs', async () => {
  const dir = await tempDir('dl-runs-');
  await writeRunRecord(dir, runRecordOf(2));
  const torn = path.join(dir, '20261129-120000000-cccc.json');
  await fs.writeFile(torn, '{"format":"digitlens-run-1","id":');
  const alien = path.join(dir, 'notes.json');
  await fs.writeFile(alien, '{}');
  const renamed = path.join(dir, '20261129-130000000-dddd.json');
  await fs.writeFile(renamed, JSON.stringify(runRecordOf(1)));
  await fs.writeFile(path.join(dir, '.20261129-140000000-eeee.json.0a1b2c.tmp'), 'half');
  const history = await readRunHistory(dir);
  assert.equal(history.runs.length, 1);
  const problems = new Map(history.problems.map((p) => [path.basename(p.file), p.message]));
  assert.match(problems.get('20261129-120000000-cccc.json') ?? '', /is not JSON/);
  assert.match(problems.get('notes.json') ?? '', /not named like a run record/);
  assert.match(problems.get('20261129-130000000-dddd.json') ?? '', /holds run 20261129-140322123-abcd, not the run its name says/);
  assert.equal(history.problems.length, 3);
  // Nothing lost: every file is still there, byte for byte.
  assert.equal(await fs.readFile(torn, 'utf8'), '{"format":"digitlens-run-1","id":');
  assert.equal(await fs.readFile(alien, 'utf8'), '{}');
});
