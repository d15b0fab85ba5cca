// The feature maps of one conv block for one input: the ReLU output of conv{n} (model.ts names
// the layers conv1.., relu1.., pool1..), each channel scaled to 0..255, strongest first.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ExplainResult } from '../../../common/engineProtocol';
import type { NetworkInput } from './saliency';
import { tf } from './tf';

export type FeatureMaps = NonNullable<ExplainResult['activations']>;

/** How many conv blocks (layers named conv1, conv2, ..) the model has. */
export function convBlocks(model: LayersModel): number {
  return model.layers.filter((l) => /^conv\d+$/.test(l.name)).length;
}

// Sub-models that end at a block's ReLU share the model's layers and weights (nothing is copied,
// nothing to dispose); kept per model so a second crop does not rebuild the graph.
const probes = new WeakMap<LayersModel, Map<number, LayersModel>>();

function probeOf(model: LayersModel, block: number): LayersModel {
  let byBlock = probes.get(model);
  if (!byBlock) probes.set(model, (byBlock = new Map<number, LayersModel>()));
  let probe = byBlock.get(block);
  if (!probe) {
    const blocks = convBlocks(model);
    if (block < 1 || block > blocks) throw new RangeError(`the model has conv blocks 1..${blocks}, not ${block}`);
    const relu = model.getLayer(`relu${block}`);
    probe = tf.model({ inputs: model.inputs, outputs: relu.output, name: `${model.name}_relu${block}` });
    byBlock.set(block, probe);
  }
  return probe;
}

export function featureMaps(model: LayersModel, input: NetworkInput, block: number): FeatureMaps {
  const probe = probeOf(model, block);
  const out = tf.tidy(() => probe.predict(tf.tensor4d(input.data, [1, input.height, input.width, input.channels])) as Tensor);
  const [, height, width, depth] = out.shape;
  const data = out.dataSync();
  out.dispose();
  const cells = height * width;
  const channels = Array.from({ length: depth }, (_, index) => {
    let sum = 0;
    let max = 0;
    for (let c = 0; c < cells; c++) {
      const v = data[c * depth + index];
      sum += v;
      max = Math.max(max, v);
    }
    const values = new Array<number>(cells);
    for (let c = 0; c < cells; c++) values[c] = max > 0 ? Math.round((data[c * depth + index] * 255) / max) : 0;
    return { index, mean: sum / cells, values };
  });
  // Strongest first; Array.prototype.sort is stable, so equal means keep channel order.
  channels.sort((a, b) => b.mean - a.mean);
  return { block, width, height, channels };
}
