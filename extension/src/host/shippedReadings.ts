// Readings at once in a new dataset folder: when the folder has neither a model of its own
// (.digitlens/model) nor predictions, the engine reads every crop with the model the extension
// ships (dist/model, made by scripts/train-shipped-model.mjs from synthetic crops only), so the
// gallery shows readings to pre-label with before anything is trained. predictions-model.json
// then says they are the shipped model's, and the gallery says so. Nothing is done when the
// folder has a model or predictions already: those are the user's and stay as they are.
// No `vscode` import: runPredictions.ts calls it when the gallery opens.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice } from '../../../common/domain';
import { defaultModelDir, predictionsPath } from '../dataset/paths';
import type { EngineClient } from './engineClient';

/** Where the .vsix carries the shipped model (scripts/build.mjs copies extension/model there). */
export function shippedModelDir(extensionDir: string): string {
  return path.join(extensionDir, 'dist', 'model');
}

export type ShippedReadingsOutcome = 'read' | 'has-readings' | 'has-model' | 'no-shipped-model' | 'busy';

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

// One run per dataset at a time: the gallery may be opened twice in a row.
const running = new Set<string>();

export async function readWithShippedModel(options: {
  engine: Pick<EngineClient, 'predict'>;
  shippedModelDir: string;
  labelsPath: string;
  backend: BackendChoice;
}): Promise<ShippedReadingsOutcome> {
  const { labelsPath } = options;
  if (!(await exists(path.join(options.shippedModelDir, 'model.json')))) return 'no-shipped-model';
  if (await exists(path.join(defaultModelDir(labelsPath), 'meta.json'))) return 'has-model';
  if (await exists(predictionsPath(labelsPath))) return 'has-readings';
  if (running.has(labelsPath)) return 'busy';
  running.add(labelsPath);
  try {
    // Checked again in the engine, after whatever it was asked to do before (a training run).
    const result = await options.engine.predict({ labelsPath, modelDir: options.shippedModelDir, backend: options.backend, unlessReadings: true });
    return result.kept ? 'has-readings' : 'read';
  } finally {
    running.delete(labelsPath);
  }
}
