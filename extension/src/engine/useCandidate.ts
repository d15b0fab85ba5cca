// use-candidate <dir>: the user takes the trained model that did not become current (kept in
// .digitlens/candidate because it read fewer validation crops right) as the current model, and
// predictions.csv is rewritten with it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UseCandidateOptions, UseCandidateResult } from '../../../common/engineProtocol';
import { replaceDirAtomic } from '../dataset/atomicWrite';
import { candidateModelDir, defaultModelDir } from '../dataset/paths';
import { readMeta } from './checkpoint';
import { runPredict, type PredictHooks } from './predict';

export async function runUseCandidate(options: UseCandidateOptions, hooks: PredictHooks = {}): Promise<UseCandidateResult> {
  const candidate = candidateModelDir(options.labelsPath);
  const modelDir = defaultModelDir(options.labelsPath);
  try {
    await readMeta(candidate);
  } catch {
    throw new Error(`there is no candidate model in ${candidate}: a training run leaves one only when the current model read more validation crops right`);
  }
  await replaceDirAtomic(modelDir, async (fresh) => {
    for (const name of await fs.readdir(candidate)) await fs.copyFile(path.join(candidate, name), path.join(fresh, name));
  });
  await fs.rm(candidate, { recursive: true, force: true });
  const predicted = await runPredict({ labelsPath: options.labelsPath, backend: options.backend }, hooks);
  return { ...predicted, modelDir };
}
