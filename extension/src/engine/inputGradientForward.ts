// A LayersModel as a function of its input for tf.grad when only the input's gradient is wanted.
//
// Why not model.apply: tfjs-layers runs a conv layer as one fused op (conv + bias, linear
// activation), and tfjs-core fuses it even under tf.grad when the activation is linear. A fused
// op's gradient is a customGrad that computes the filter's and the bias' gradients along with the
// input's, whether anyone asked for them or not, and on wasm Conv2DBackpropFilter is the dearest
// kernel there is. Run as separate conv2d and add ops, the tape prunes them. Measured on the fast
// preset, batch of 6 (explain's plain pass), median of 15 on a busy 2-core machine: 541 -> 254 ms;
// forward alone 70 ms.
//
// Dense layers on a flat input run as a matMul whose input gradient is (W dy^T)^T: the stock
// gradient multiplies by W transposed, which the wasm backend does by transposing all of W on
// every call (fast preset's dense1, 6720 x 512: 20.7 ms against 1.9 ms for a batch of 6).
//
// Every other layer runs as itself (layer.apply), so batch norm, pooling, dropout (identity at
// inference) and anything a hand-built test model holds behave exactly as in predict.
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { tf } from './tf';

interface ConvConfig {
  strides: [number, number];
  padding: 'same' | 'valid';
  dataFormat: 'channelsLast' | 'channelsFirst';
  dilationRate: [number, number] | number;
  activation: string;
  useBias: boolean;
}

interface DenseConfig {
  activation: string;
  useBias: boolean;
}

type Layer = LayersModel['layers'][number];

const ACTIVATIONS: Record<string, ((x: Tensor) => Tensor) | undefined> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
};

/** x W, with the input gradient dy W^T computed as (W dy^T)^T (no transpose of W). */
function matMulForInputGradient(x: Tensor2D, kernel: Tensor2D): Tensor2D {
  const op = tf.customGrad((...args) => ({
    value: tf.matMul(args[0] as Tensor2D, kernel),
    gradFunc: (dy: Tensor) => tf.transpose(tf.matMul(kernel, dy as Tensor2D, false, true)),
  }));
  return op(x) as Tensor2D;
}

/** The conv layers this runs unfused: 2-D, channels last, linear activation (model.ts puts the ReLU in its own layer). */
function unfusableConv(layer: Layer): ConvConfig | undefined {
  if (layer.getClassName() !== 'Conv2D') return undefined;
  const config = layer.getConfig() as unknown as ConvConfig;
  return config.dataFormat === 'channelsLast' && config.activation === 'linear' ? config : undefined;
}

function applyLayer(layer: Layer, inputs: Tensor[], outputIndex: number): Tensor {
  if (layer.getClassName() === 'Dense' && inputs[0].rank === 2) {
    const config = layer.getConfig() as unknown as DenseConfig;
    const activation = ACTIVATIONS[config.activation];
    if (activation) {
      const [kernel, bias] = layer.getWeights();
      const y = matMulForInputGradient(inputs[0] as Tensor2D, kernel as Tensor2D);
      return activation(config.useBias ? tf.add(y, bias) : y);
    }
  }
  const conv = unfusableConv(layer);
  if (conv) {
    const [kernel, bias] = layer.getWeights();
    const y = tf.conv2d(inputs[0] as Tensor4D, kernel as Tensor4D, conv.strides, conv.padding, 'NHWC', conv.dilationRate);
    return conv.useBias ? tf.add(y, bias) : y;
  }
  const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as Tensor | Tensor[];
  return Array.isArray(out) ? out[outputIndex] : out;
}

/** f(x) = the model's output for x, built from the model's graph, for tf.grad with respect to x. */
export function forwardForInputGradient(model: LayersModel): (x: Tensor) => Tensor {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('expected a model with one input and one output');
  const input = model.inputs[0];
  return (x: Tensor): Tensor => {
    const values = new Map<number, Tensor>([[input.id, x]]);
    const evaluate = (t: SymbolicTensor): Tensor => {
      const known = values.get(t.id);
      if (known) return known;
      if (!t.sourceLayer || t.inputs.length === 0) throw new Error(`the model's tensor ${t.name} depends on no input`);
      const value = applyLayer(t.sourceLayer, t.inputs.map(evaluate), t.outputTensorIndex ?? 0);
      values.set(t.id, value);
      return value;
    };
    return evaluate(model.outputs[0]);
  };
}
