// train <dir> (DESIGN §5): the labeled rows of a labels file -> a trained model, and which model
// is current afterwards. A run never leaves the user worse off without saying so:
// - stopped before its first step, it writes nothing;
// - otherwise the new model and the current one are measured on the same validation rows, and
//   the new one becomes current (<dataset>/.digitlens/model, with predictions.csv rewritten) only
//   when it is at least as good, when there is nothing to compare with, or when asked (`replace`);
//   else it is kept beside it in .digitlens/candidate and predictions.csv is left alone.
// `resume` continues the current model from its weights and optimizer state; `startFrom` makes a
// new model from another model's weights (the shipped one) with a fresh optimizer.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DEFAULT_PRESET, type BackendName, type EvalMetrics, type SkippedCrop } from '../../../common/domain';
import type { TrainOptions, TrainProgress, TrainResult } from '../../../common/engineProtocol';
import { EVIDENCE_BIN, EVIDENCE_JSON, encodeEvidence } from '../../../common/labelEvidence';
import { loadCrops, type CropSet } from '../dataset/crops';
import { candidateModelDir, defaultModelDir, runsDir } from '../dataset/paths';
import { initBackend } from './backend';
import { loadCheckpoint, readOptimizerState, saveCheckpoint, type CheckpointMeta } from './checkpoint';
import { imageStats, splitValidation, type CropSource } from './data';
import { computeMetrics } from './metrics';
import { predictionRows, predictLogits, predictPixels, refitFeaturesFor } from './predict';
import { writePredictions } from './predictionsFile';
import { PRESETS, type ModelSpec } from './presets';
import { blendStartReading, evidenceFrom, readWithStartModel, type StartReading } from './startEvidence';
import { trainOnCrops, type TrainLoopResult } from './train';
import { writeFeatureCache } from './featureCache';
import { runEvaluation } from './confusion';
import { decodeSequence } from './decode';
import { RunRecorder } from './runRecorder';
import { LOGITS } from '../../../common/heads';

export interface TrainHooks {
  onBackend?: (name: BackendName, threads: number, note?: string) => void;
  onSkipped?: (skipped: SkippedCrop[]) => void;
  onProgress?: (p: TrainProgress) => void;
  /** The run's record exists (common/trainingRun.ts): its id and file. */
  onRun?: (runId: string, path: string) => void;
  /** Int32Array(1); 1 = stop after the current step (a model that trained at all is still saved). */
  cancel?: Int32Array;
}

export async function runTraining(options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  if (options.resume && options.startFrom !== undefined) {
    throw new Error('resume continues the current model and startFrom begins a new one from another: ask for one of them');
  }
  const backend = await initBackend(options.backend);
  hooks.onBackend?.(backend.name, backend.threads, backend.note);
  const modelDir = defaultModelDir(options.labelsPath);
  const crops = await loadCrops(options.labelsPath, { onlyLabeled: true, uniqueImages: true });
  if (crops.skipped.length > 0) hooks.onSkipped?.(crops.skipped);
  if (crops.rows.length === 0) throw new Error(`${options.labelsPath} has no labeled crops to train on`);

  // The current model's reading of the validation rows, measured before training so a resumed
  // model is compared with what it was.
  const files = crops.rows.map((r) => r.file);
  const split = splitValidation(files);
  const previous = await currentModelOn(modelDir, crops, split.validation, backend.name);
  const resumed = options.resume ? await loadCheckpoint(modelDir) : undefined;
  const started = options.startFrom === undefined ? undefined : await loadStartModel(options.startFrom);
  // The weights the run begins with, when not random: the current model's or the start model's.
  const initial = resumed ?? started;
  let resumeState;
  let startReading: StartReading | undefined;
  try {
    if (initial && options.preset !== undefined && initial.meta.spec.preset !== options.preset) {
      const which = resumed ? 'the current model' : `the model in ${options.startFrom}`;
      throw new Error(`${which} is a ${initial.meta.spec.preset} model: a run from its weights is a ${initial.meta.spec.preset} run (leave the preset out), or train a ${options.preset} model from scratch`);
    }
    resumeState = resumed && (await readOptimizerState(modelDir, resumed.meta));
    // How the start model reads these crops before training: whether its readings are evidence.
    startReading = started && readWithStartModel(started.model, started.meta.spec, sourceOf(crops), crops.rows.map((r) => r.label), split.validation);
  } catch (err) {
    initial?.model.dispose();
    throw err;
  }
  const spec = initial?.meta.spec ?? PRESETS[options.preset ?? DEFAULT_PRESET];
  const startedFrom = started && options.startFrom !== undefined ? { dir: options.startFrom, steps: started.meta.totalSteps ?? started.meta.steps } : undefined;
  let recorder: RunRecorder;
  try {
    recorder = await RunRecorder.start(runsDir(options.labelsPath), options.labelsPath, {
      preset: spec.preset,
      epochs: options.epochs,
      timeBudgetSeconds: options.timeBudgetSeconds,
      seed: options.seed ?? 1,
      backend: backend.name,
      threads: backend.threads,
      trainRows: split.train.length,
      validationRows: split.validation.length,
      resumed: resumed !== undefined,
      ...(startedFrom ? { startedFrom } : {}),
      batchSize: spec.batchSize,
    });
  } catch (err) {
    initial?.model.dispose();
    throw err;
  }
  hooks.onRun?.(recorder.record.id, recorder.path);
  let result: TrainLoopResult;
  try {
    result = await trainOnCrops(
      { files, labels: crops.rows.map((r) => r.label), pixels: crops.pixels },
      {
        spec,
        seed: options.seed ?? 1,
        epochs: options.epochs,
        timeBudgetSeconds: options.timeBudgetSeconds,
        cancel: hooks.cancel,
        onProgress: (p) => {
          recorder.progress(p);
          hooks.onProgress?.(p);
        },
        initialModel: initial?.model,
        initialOptimizer: resumeState,
        recordDynamicsFrom: evidenceFrom(startReading),
      },
    );
  } catch (err) {
    await recorder.fail(err instanceof Error ? err.message : String(err));
    throw err;
  }
  const trained = result;
  let saved: TrainResult;
  try {
    saved = await save();
  } catch (err) {
    await recorder.fail(err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    result.model.dispose();
  }
  return { ...saved, outcomeMessage: saved.outcomeMessage + (await finishRecord(recorder, options.labelsPath, crops.rows, trained, saved)) };

  /** Decides which model is current and writes it (and the predictions when it is the new one). */
  async function save(): Promise<TrainResult> {
    const validation: EvalMetrics = { ...result.validation, backend: backend.name };
    const base = { backend: backend.name, seconds: result.seconds, steps: result.steps, examples: result.trainCount, cancelled: result.cancelled, validation };
    if (result.steps === 0) {
      return { ...base, outcome: 'discarded', outcomeMessage: 'Stopped before the first training step: nothing was written; the current model and predictions are as they were.' };
    }
    const decision = decide(result, validation, previous, options.replace === true, resumed !== undefined);
    const meta: CheckpointMeta = {
      format: 'digitlens-model-1',
      spec,
      normalisation: 'per-image-standardise',
      backend: backend.name,
      date: new Date().toISOString(),
      steps: result.steps,
      totalSteps: result.steps + (initial?.meta.totalSteps ?? initial?.meta.steps ?? 0),
      ...(startedFrom ? { startedFrom } : {}),
      seconds: result.seconds,
      examples: result.trainCount,
      validation: result.validation,
      runId: recorder.record.id,
    };
    const evidence = encodeEvidence({
      rows: crops.rows.map((r, i) => ({ file: r.file, label: r.label, heldOut: result.dynamics.heldOut[i] === 1 })),
      ...blendStartReading(result.dynamics.meanLogProbs, startReading, result.validation.sequenceAccuracy),
    });
    const extras = [
      { name: EVIDENCE_JSON, data: evidence.json },
      { name: EVIDENCE_BIN, data: evidence.bin },
    ];
    if (decision.current) {
      await saveCheckpoint(result.model, modelDir, meta, result.optimizerState, extras);
      // Predictions for every row (the unlabeled ones are what a user labels next), and what the
      // last layers read for each, so a quick retrain can refit them later.
      const all = await loadCrops(options.labelsPath, { onlyLabeled: false });
      const features = refitFeaturesFor(result.model, spec, all.rows.length);
      const p = predictPixels(result.model, spec, all.pixels, all.rows.length, features);
      await writeFeatureCache(modelDir, { modelDate: meta.date, files: all.rows.map((r) => r.file), ...features });
      const predictionsPath = await writePredictions(options.labelsPath, predictionRows(all.rows, p), meta);
      return { ...base, outcome: 'current', outcomeMessage: decision.message, modelDir, predictionsPath, previousValidation: previous };
    }
    const candidateDir = candidateModelDir(options.labelsPath);
    await saveCheckpoint(result.model, candidateDir, meta, result.optimizerState, extras);
    return { ...base, outcome: 'candidate', outcomeMessage: decision.message, modelDir: candidateDir, previousValidation: previous };
  }
}

/**
 * Ends the run's record with its final figures and its evaluation of the validation rows. The
 * trained model matters more than its history: a record that cannot be written is said in the
 * outcome (returned, to append to it), not thrown.
 */
async function finishRecord(
  recorder: RunRecorder,
  labelsPath: string,
  rows: readonly { file: string; label: string }[],
  result: TrainLoopResult,
  saved: TrainResult,
): Promise<string> {
  const validationRows = result.validationIndices.map((i) => rows[i]);
  const decoded = validationRows.map((_, k) => decodeSequence(result.validationLogits, k * LOGITS));
  const evaluation = validationRows.length > 0 && result.steps > 0 ? runEvaluation('train', labelsPath, validationRows, decoded, saved.validation) : undefined;
  const { outcome, outcomeMessage, steps, seconds, cancelled } = saved;
  try {
    await recorder.finish({ outcome, outcomeMessage, steps, seconds, cancelled, imagesPerSecond: lastImagesPerSecond(recorder) }, evaluation);
    return '';
  } catch (err) {
    return ` (The run history could not be written: ${(err as Error).message}.)`;
  }
}

function lastImagesPerSecond(recorder: RunRecorder): number {
  const ips = recorder.record.curves.imagesPerSecond;
  return ips[ips.length - 1] ?? 0;
}

/**
 * The current model's metrics on the validation rows the new one was measured on, or undefined
 * when there is no current model, it cannot be read, or there are no validation rows.
 */
export async function currentModelOn(modelDir: string, crops: CropSet, validation: number[], backend: BackendName): Promise<EvalMetrics | undefined> {
  if (validation.length === 0) return undefined;
  let current;
  try {
    current = await loadCheckpoint(modelDir);
  } catch {
    return undefined;
  }
  try {
    return metricsOn(current.model, current.meta.spec, crops, validation, backend);
  } finally {
    current.model.dispose();
  }
}

/** How `model` reads the `rows` of `crops` against their labels; undefined when there are no rows. */
function metricsOn(model: LayersModel, spec: ModelSpec, crops: CropSet, rows: number[], backend: BackendName): EvalMetrics | undefined {
  if (rows.length === 0) return undefined;
  const logits = predictLogits(model, sourceOf(crops), rows, spec);
  return { ...computeMetrics(rows.map((i) => crops.rows[i].label), logits), backend };
}

function sourceOf(crops: CropSet): CropSource {
  return { pixels: crops.pixels, ...imageStats(crops.pixels, crops.rows.length) };
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function decide(
  result: TrainLoopResult,
  validation: EvalMetrics,
  previous: EvalMetrics | undefined,
  replace: boolean,
  resumed: boolean,
): { current: boolean; message: string } {
  const stopped = result.cancelled ? 'Stopped early; ' : '';
  const which = resumed ? 'resumed' : 'new';
  if (!previous) {
    const why = validation.count === 0 ? 'no validation rows to compare on' : 'there was no current model';
    return { current: true, message: `${stopped}the new model is current (${why}).` };
  }
  const on = `on the same ${validation.count} validation crops`;
  const scores = `${which} ${percent(validation.sequenceAccuracy)}, before ${percent(previous.sequenceAccuracy)} ${on}`;
  if (validation.sequenceAccuracy >= previous.sequenceAccuracy) return { current: true, message: `${stopped}the ${which} model is current (${scores}).` };
  if (replace) return { current: true, message: `${stopped}the ${which} model is current as asked, though it reads fewer right (${scores}).` };
  return {
    current: false,
    message: `${stopped}kept the current model: it reads more right (${scores}). The ${which} model is saved beside it as a candidate.`,
  };
}

/** The model a new run starts from (TrainOptions.startFrom), with a message that names the folder when it is not one. */
async function loadStartModel(dir: string): Promise<Awaited<ReturnType<typeof loadCheckpoint>>> {
  try {
    return await loadCheckpoint(dir);
  } catch (err) {
    throw new Error(`cannot start from ${dir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
