// explain: what every head of a model sees in one crop (the inspector, `digit-lens explain`).
// The crop is cut as the dataset's preprocessing cuts it (box + 30%, clamped, 64x64); the
// probabilities and the reading come from the views the gallery's reading uses (predictLogits);
// the gradient masks from the plain centre view (saliency.ts), mapped back to the image through
// inputGeometry.ts; optionally a conv block's feature maps (featureMaps.ts).
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BackendName } from '../../../common/domain';
import { DEFAULT_EXPLAIN_METHOD, type ExplainMethod, type ExplainOptions, type ExplainResult, type HeadExplanation } from '../../../common/engineProtocol';
import { DIGIT_HEADS, HEADS, LOGITS, logSoftmaxHeads } from '../../../common/heads';
import { isValidLabel } from '../../../common/labels';
import { parseTargetLabel } from '../../../common/sequence';
import { loadImage, type RgbaImage } from '../dataset/images';
import { defaultModelDir, resolveDatasetPath } from '../dataset/paths';
import { CROP_BYTES, resizeRegionInto, type PixelRect } from '../dataset/preprocess';
import { initBackend } from './backend';
import { imageStats } from './data';
import { decodeSequence } from './decode';
import { convBlocks, featureMaps } from './featureMaps';
import { inputGeometry, inputPixelToImage, inputRegionInImage } from './inputGeometry';
import type { ModelCache } from './modelCache';
import { centreInput, centreWindow, predictLogits } from './predict';
import { inputWidthOf, type ModelSpec } from './presets';
import { gradientMasks, maskPeak } from './saliency';

/** One crop to explain: its image and the row's box and label. */
export interface ExplainCrop {
  image: RgbaImage;
  box?: PixelRect;
  /** '' = unlabeled. */
  label: string;
}

export interface ExplainRequest {
  targets?: readonly (number | null)[];
  method: ExplainMethod;
  activationBlock?: number;
}

/** The method `options` asks for, each part it leaves out taken from DEFAULT_EXPLAIN_METHOD. */
export function explainMethodOf(options: { smoothGrad?: number; gradTimesInput?: boolean }): ExplainMethod {
  return { smoothGrad: options.smoothGrad ?? DEFAULT_EXPLAIN_METHOD.smoothGrad, gradTimesInput: options.gradTimesInput ?? DEFAULT_EXPLAIN_METHOD.gradTimesInput };
}

/** Each head's class in `label` where it has one: L its length class, S_i its i-th digit. */
function labeledClasses(label: string): (number | undefined)[] {
  if (label === '' || !isValidLabel(label)) return HEADS.map(() => undefined);
  const { lengthClass, digits } = parseTargetLabel(label);
  return [lengthClass, ...Array.from({ length: DIGIT_HEADS }, (_, i) => digits[i])];
}

/** Everything of ExplainResult but the file and the timing, for one crop, with a loaded model. */
export function explainCrop(model: LayersModel, spec: ModelSpec, crop: ExplainCrop, request: ExplainRequest): Omit<ExplainResult, 'file' | 'milliseconds'> {
  const geometry = inputGeometry(crop.box, crop.image.width, crop.image.height, centreWindow(spec), inputWidthOf(spec), spec.inputSize);
  const pixels = new Uint8Array(CROP_BYTES);
  resizeRegionInto(crop.image, geometry.region, pixels, 0);
  const src = { pixels, ...imageStats(pixels, 1) };

  const logits = predictLogits(model, src, [0], spec, { batchSize: 1 });
  const decoded = decodeSequence(logits, 0);
  const logProbs = logSoftmaxHeads(Float64Array.from(logits.subarray(0, LOGITS)));
  const probs = HEADS.map((h) => Array.from(logProbs.subarray(h.offset, h.offset + h.size), (v) => Math.exp(v)));
  const argmax = (p: number[]): number => p.reduce((best, v, i) => (v > p[best] ? i : best), 0);
  const predicted = HEADS.map((_, i) => (i === 0 ? decoded.length : argmax(probs[i])));
  const targets = HEADS.map((h, i) => {
    const t = request.targets?.[i] ?? predicted[i];
    if (!Number.isInteger(t) || t < 0 || t >= h.size) throw new RangeError(`head ${h.name} has classes 0..${h.size - 1}, not ${t}`);
    return t;
  });

  const input = { data: centreInput(spec, src, 0), height: spec.inputSize, width: inputWidthOf(spec), channels: spec.channels };
  const masks = gradientMasks(model, input, targets, request.method);
  const labeled = labeledClasses(crop.label);
  const heads: HeadExplanation[] = HEADS.map((h, i) => {
    const [col, row] = maskPeak(masks[i], input.width);
    return {
      head: h.name,
      probs: probs[i],
      predicted: predicted[i],
      ...(labeled[i] === undefined ? {} : { labeled: labeled[i] }),
      target: targets[i],
      // S_i reads position i: part of the reading when i <= the decoded length ("more than 5" reads all five).
      relevant: i === 0 || i <= decoded.length,
      mask: Array.from(masks[i]),
      peak: inputPixelToImage(geometry, col, row),
    };
  });
  const blocks = convBlocks(model);
  return {
    label: crop.label,
    prediction: decoded.text,
    confidence: decoded.confidence,
    imageWidth: crop.image.width,
    imageHeight: crop.image.height,
    inputRegion: inputRegionInImage(geometry),
    maskWidth: input.width,
    maskHeight: input.height,
    method: { ...request.method },
    heads,
    blocks,
    ...(request.activationBlock === undefined ? {} : { activations: featureMaps(model, input, request.activationBlock) }),
  };
}

export interface ExplainHooks {
  /** Called when the request loaded the model (the first one, or the first after a retrain). */
  onModelLoaded?: (backend: BackendName, threads: number, note?: string) => void;
}

/** explain for one row of a labels file, with the model from `models` (loaded there when it is not held yet). */
export async function runExplain(options: ExplainOptions, models: ModelCache, hooks: ExplainHooks = {}): Promise<ExplainResult> {
  const started = performance.now();
  const backend = await initBackend(options.backend);
  const { model, meta, loadedNow } = await models.get(options.modelDir ?? defaultModelDir(options.labelsPath));
  if (loadedNow) hooks.onModelLoaded?.(backend.name, backend.threads, backend.note);
  const image = await loadImage(resolveDatasetPath(path.dirname(options.labelsPath), options.file), options.file);
  const result = explainCrop(model, meta.spec, { image, box: options.box, label: options.label }, {
    targets: options.targets,
    method: explainMethodOf(options),
    activationBlock: options.activationBlock,
  });
  return { file: options.file, ...result, milliseconds: performance.now() - started };
}
