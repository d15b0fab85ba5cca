// The run history on disk (common/trainingRun.ts): one JSON record per run in .digitlens/runs/,
// written atomically (a reader never sees half a record), read back with every field checked. A
// file that fails the check is reported by name and reason and left untouched.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isRunId, parseRunRecord, runFileName, type RunRecord } from '../../../common/trainingRun';
import { writeFileAtomic } from './atomicWrite';

export async function writeRunRecord(dir: string, record: RunRecord): Promise<string> {
  const file = path.join(dir, runFileName(record.id));
  await writeFileAtomic(file, JSON.stringify(record));
  return file;
}

/** The record in `file`; throws an Error naming the file and what is wrong with it. */
export async function readRunRecord(file: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  const record = parseRunRecord(text, file);
  if (runFileName(record.id) !== path.basename(file)) throw new Error(`${file} holds run ${record.id}, not the run its name says`);
  return record;
}

export interface RunHistory {
  /** Newest first. */
  runs: RunRecord[];
  /** Files in the folder that are not readable run records, and why. */
  problems: { file: string; message: string }[];
}

/** Every run record in `dir` (none when it does not exist). Temporary files of atomic writes are not runs. */
export async function readRunHistory(dir: string): Promise<RunHistory> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], problems: [] };
    throw err;
  }
  const history: RunHistory = { runs: [], problems: [] };
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort().reverse()) {
    const file = path.join(dir, name);
    try {
      if (!isRunId(name.slice(0, -'.json'.length))) throw new Error(`${file} is not named like a run record (<id>.json)`);
      history.runs.push(await readRunRecord(file));
    } catch (err) {
      history.problems.push({ file, message: (err as Error).message });
    }
  }
  return history;
}
