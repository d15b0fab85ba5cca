// Where a new model's weights start when Train Model makes one: random, or the shipped model's.
// A new dataset of a few thousand crops learns more in the same minutes from a network that
// already reads digits (BENCHMARKS.md, "Starting from the shipped model"). Pure: the command
// (trainModel.ts) reads the setting and the shipped model's summary and passes them in.
import type { PresetName } from '../../../common/domain';
import type { ModelSummary } from './modelSummary';

/** The start of a new model: the shipped model's folder, or undefined for random weights (and why, for the quick pick). */
export interface NewModelStart {
  startFrom?: string;
  /** A few words for the user: "from the shipped model's weights" or "from scratch". */
  description: string;
}

/**
 * A new model of `preset` starts from the shipped model when the setting asks for it and the
 * shipped model is there and of that preset (another preset has other layers); else from scratch.
 */
export function newModelStart(settingOn: boolean, preset: PresetName | undefined, shippedDir: string, shipped: ModelSummary | undefined): NewModelStart {
  if (settingOn && shipped && (preset === undefined || shipped.preset === preset)) {
    return { startFrom: shippedDir, description: `from the shipped model's weights (${shipped.steps.toLocaleString('en-US')} steps on synthetic crops)` };
  }
  return { description: 'from scratch' };
}
