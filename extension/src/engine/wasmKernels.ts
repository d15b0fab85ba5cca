// Kernels the wasm backend of tfjs 4.22 lacks or runs slowly in training (measured in
// /work/shared/notes/tfjs-in-node.md), re-expressed through its fast XNNPACK Conv2D and plain
// Transpose. Each is checked against the CPU backend in wasmKernels.test.ts.
//
// - Conv2DBackpropFilter: missing. dW[kh,kw,ci,co] = sum_{b,oh,ow} x[b, oh*s+kh-pt, ow*s+kw-pl, ci]
//   * dy[b,oh,ow,co] is one conv2d with batch and channel axes swapped: input x^T [Ci,H,W,B],
//   filter dy^T [OH,OW,B,Co], dilation = the forward stride, output [Ci,KH,KW,Co].
// - Conv2DBackpropInput: the stock kernel is a naive loop (2-3 GFLOP/s). dx is the 'full'
//   correlation of dy (zero-stuffed when strided) with the spatially flipped filter whose in/out
//   channels are swapped: one conv2d (about 10x faster).
// - MaxPoolGrad: the stock kernel rescans every window per input pixel (~19% of a step). Here one
//   pass over the pooling windows routes each dy to its window's first maximum (as the CPU
//   backend does), in JS over the wasm heap.
// - Sum over leading axes (every conv layer's bias gradient reduces [B,H,W,C] to [C]): the stock
//   kernel transposes the whole tensor first; one streaming pass in JS is about 8x faster.
// - Tile and Mean over leading axes: batch norm's gradient tiles per-channel vectors to the
//   activation's shape and its statistics reduce over [B,H,W]; the stock kernels made a batch
//   norm step ~3x slower. Tile here is block copies; Mean reuses the Sum path.
// - BatchMatMul with transposeA/transposeB: 0.4 / 2 GFLOP/s against ~25 without; the dense layers'
//   gradients use them. Transposing explicitly first is far cheaper, and when the second operand
//   is the large one, computing the transposed product packs far less (makeBatchMatMul).
import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

interface WasmLikeBackend {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A view of the tensor's bytes in the wasm heap; invalid once the heap grows (after makeOutput). */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

type Call = (kernelName: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap) => TensorInfo;

/** Runs other wasm kernels directly (not as ops: no tape, no engine bookkeeping) and frees temporaries. */
function kernelRunner(backend: WasmLikeBackend): { call: Call; free: (t: TensorInfo) => void } {
  const call: Call = (kernelName, inputs, attrs = {}) => {
    const config = getKernel(kernelName, 'wasm');
    if (!config) throw new Error(`wasm kernel ${kernelName} is not registered`);
    return config.kernelFunc({ inputs, attrs, backend: backend }) as TensorInfo;
  };
  return { call, free: (t) => void backend.disposeData(t.dataId) };
}

/** The attributes both conv gradient kernels receive, besides the shape they produce. */
interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

function conv2dBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvBackpropAttrs & { filterShape: [number, number, number, number] };
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { call, free } = kernelRunner(args.backend as unknown as WasmLikeBackend);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  let pb = KH + (OH - 1) * sh - H - pt;
  let pr = KW + (OW - 1) * sw - W - pl;
  let xT = call('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Ci,H,W,B]
  if (pb < 0 || pr < 0) {
    // Trailing rows/columns a 'valid' strided conv never reads: drop them.
    const sliced = call('Slice', { x: xT }, { begin: [0, 0, 0, 0], size: [-1, H + Math.min(pb, 0), W + Math.min(pr, 0), -1] });
    free(xT);
    xT = sliced;
    pb = Math.max(pb, 0);
    pr = Math.max(pr, 0);
  }
  const dyT = call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH,OW,B,Co]
  const pad: Pad4 = [[0, 0], [pt, pb], [pl, pr], [0, 0]];
  const dwT = call('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw] });
  free(xT);
  free(dyT);
  const dw = call('Transpose', { x: dwT }, { perm: [1, 2, 0, 3] }); // [KH,KW,Ci,Co]
  free(dwT);
  return dw;
}

function makeConv2dBackpropInput(stock: KernelFunc | undefined): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvBackpropAttrs & { inputShape: [number, number, number, number] };
    if (attrs.dataFormat === 'NCHW') {
      if (!stock) throw new Error('wasm Conv2DBackpropInput supports NHWC only');
      return stock(args);
    }
    const info = backend_util.computeConv2DInfo(
      attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const { call, free } = kernelRunner(args.backend as unknown as WasmLikeBackend);
    const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const Co = info.outChannels;
    const padTop = KH - 1 - info.padInfo.top;
    const padLeft = KW - 1 - info.padInfo.left;
    if (padTop < 0 || padLeft < 0) {
      if (!stock) throw new Error('wasm Conv2DBackpropInput: padding larger than the filter is not supported');
      return stock(args);
    }
    let g = dy;
    let gH = OH;
    let gW = OW;
    if (sh > 1 || sw > 1) {
      // Zero-stuff dy: [B,OH,OW,C] -> [B,OH,1,OW,1,C] -> pad to [B,OH,sh,OW,sw,C] -> [B,OH*sh,OW*sw,C].
      const r = call('Reshape', { x: dy }, { shape: [B, OH, 1, OW, 1, Co] });
      const p = call('PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      free(r);
      g = call('Reshape', { x: p }, { shape: [B, OH * sh, OW * sw, Co] });
      free(p);
      gH = OH * sh;
      gW = OW * sw;
    }
    let padBottom = H + KH - 1 - gH - padTop;
    let padRight = W + KW - 1 - gW - padLeft;
    if (padBottom < 0 || padRight < 0) {
      const sliced = call('Slice', { x: g }, { begin: [0, 0, 0, 0], size: [-1, gH + Math.min(padBottom, 0), gW + Math.min(padRight, 0), -1] });
      if (g !== dy) free(g);
      g = sliced;
      padBottom = Math.max(padBottom, 0);
      padRight = Math.max(padRight, 0);
    }
    const flipped = call('Reverse', { x: filter }, { dims: [0, 1] });
    const wT = call('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [KH,KW,Co,Ci]
    free(flipped);
    const pad: Pad4 = [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]];
    const dx = call('Conv2D', { x: g, filter: wT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
    free(wT);
    if (g !== dy) free(g);
    return dx;
  };
}

/**
 * The stock kernel's fast path is XNNPACK's fully-connected operator with `b` as its weights,
 * repacked (a transposing copy of all of b) whenever b is a new tensor, i.e. every training step;
 * with a transposed operand it falls back to a scalar loop. So: transpose explicitly, and when b
 * is the large operand (the dense layers' input gradient dy . W^T: W is 3.4M values in `fast`,
 * 9.4M in goodfellow2014), compute out^T = b' . a'^T instead, which packs the small operand and
 * transposes only it and the small output. Measured on the dense layers' shapes: 4.5x faster for
 * [32,512] . [6720,512]^T, 9x for [32,3072] . [3072,3072]^T.
 */
function makeBatchMatMul(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const size = (t: TensorInfo): number => t.shape.reduce((p, q) => p * q, 1);
    const batchOf = (t: TensorInfo): number => size(t) / (t.shape[t.shape.length - 1] * t.shape[t.shape.length - 2]);
    // Elements moved before the product: out = a' . b' transposes what is transposed and packs b;
    // out^T = b'^T . a'^T transposes what is not, packs a, and transposes the output (M x N).
    const outSize = (attrs.transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2]) *
      (attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1]);
    const direct = (attrs.transposeA ? size(a) : 0) + (attrs.transposeB ? size(b) : 0) + size(b);
    const swapped = (attrs.transposeA ? 0 : size(a)) + (attrs.transposeB ? 0 : size(b)) + size(a) + outSize;
    const swap = batchOf(a) === 1 && batchOf(b) === 1 && swapped < direct;
    if (!swap && !attrs.transposeA && !attrs.transposeB) return stock(args);
    const { call, free } = kernelRunner(args.backend as unknown as WasmLikeBackend);
    const swapLast = (t: TensorInfo): TensorInfo => {
      const r = t.shape.length;
      const perm = [...Array(r).keys()];
      perm[r - 2] = r - 1;
      perm[r - 1] = r - 2;
      return call('Transpose', { x: t }, { perm });
    };
    const product = (x: TensorInfo, y: TensorInfo): TensorInfo =>
      stock({ ...args, inputs: { a: x, b: y }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    if (swap) {
      const first = attrs.transposeB ? b : swapLast(b);
      const second = attrs.transposeA ? a : swapLast(a);
      const outT = product(first, second);
      if (first !== b) free(first);
      if (second !== a) free(second);
      const out = swapLast(outT);
      free(outT);
      return out;
    }
    const a2 = attrs.transposeA ? swapLast(a) : a;
    const b2 = attrs.transposeB ? swapLast(b) : b;
    const out = product(a2, b2);
    if (a2 !== a) free(a2);
    if (b2 !== b) free(b2);
    return out;
  };
}

function maxPoolGrad(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const attrs = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'same' | 'valid' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const backend = args.backend as unknown as WasmLikeBackend;
  const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, inChannels: C } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = backend.makeOutput(input.shape, 'float32');
  const x = backend.typedArrayFromHeap(input);
  const g = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const best = new Int32Array(C);
  const bestValue = new Float32Array(C);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - pt;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pl;
        best.fill(-1);
        bestValue.fill(-Infinity);
        for (let r = Math.max(h0, 0); r < Math.min(h0 + kh, H); r++) {
          for (let c = Math.max(w0, 0); c < Math.min(w0 + kw, W); c++) {
            const base = ((b * H + r) * W + c) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = x[base + ch];
              if (v > bestValue[ch]) {
                bestValue[ch] = v;
                best[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((b * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) if (best[ch] >= 0) dx[best[ch]] += g[dyBase + ch];
      }
    }
  }
  return out;
}

function makeSum(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = (Array.isArray(attrs.axis) ? attrs.axis : [attrs.axis]).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const n = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
    if (!leading || x.dtype !== 'float32' || n < 256) return stock(args);
    const backend = args.backend as unknown as WasmLikeBackend;
    const rest = x.shape.slice(axes.length);
    const m = rest.reduce((p, q) => p * q, 1);
    const out = backend.makeOutput(attrs.keepDims ? [...axes.map(() => 1), ...rest] : rest, 'float32');
    const src = backend.typedArrayFromHeap(x);
    const acc = new Float64Array(m);
    for (let i = 0, o = 0; i < n; i++, o += m) for (let j = 0; j < m; j++) acc[j] += src[o + j];
    backend.typedArrayFromHeap(out).set(acc);
    return out;
  };
}

function makeTile(stock: KernelFunc): KernelFunc {
  return (args) => (((args.inputs as { x: TensorInfo }).x.dtype === 'float32') ? tile(args) : stock(args));
}

function tile(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { reps } = args.attrs as unknown as { reps: number[] };
  const backend = args.backend as unknown as WasmLikeBackend;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, 'float32');
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  // Work in `dst`: place the source, then, from the last axis to the first, repeat each
  // already-tiled block reps[d] times. `shape` is the current (partly tiled) extent.
  const shape = [...x.shape];
  const size = (from: number): number => shape.slice(from).reduce((p, q) => p * q, 1);
  dst.set(src, 0);
  for (let d = shape.length - 1; d >= 0; d--) {
    if (reps[d] === 1) continue;
    const outer = shape.slice(0, d).reduce((p, q) => p * q, 1);
    const block = size(d); // elements of one outer slice before repeating
    // Move outer slices to their final stride (from the end, so nothing is overwritten early).
    for (let o = outer - 1; o >= 0; o--) {
      const from = o * block;
      const to = o * block * reps[d];
      if (from !== to) dst.copyWithin(to, from, from + block);
      for (let r = 1; r < reps[d]; r++) dst.copyWithin(to + r * block, to, to + block);
    }
    shape[d] *= reps[d];
  }
  return out;
}

function makeMean(stock: KernelFunc, sum: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = (Array.isArray(attrs.axis) ? attrs.axis : [attrs.axis]).map((a) => (a < 0 ? a + rank : a));
    const leading = [...axes].sort((p, q) => p - q).every((a, i) => a === i) && axes.length < rank;
    if (!leading || x.dtype !== 'float32') return stock(args);
    const n = axes.reduce((p, a) => p * x.shape[a], 1);
    const backend = args.backend as unknown as WasmLikeBackend;
    const out = sum(args) as TensorInfo;
    const v = backend.typedArrayFromHeap(out);
    for (let i = 0; i < v.length; i++) v[i] /= n;
    return out;
  };
}

let registered = false;

/** Installs the kernels above on the wasm backend; call before tf.setBackend('wasm'). Idempotent. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  const replace = (config: KernelConfig): void => {
    if (getKernel(config.kernelName, 'wasm')) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  };
  replace({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter });
  const stockInput = getKernel('Conv2DBackpropInput', 'wasm');
  replace({ ...(stockInput ?? { kernelName: 'Conv2DBackpropInput', backendName: 'wasm' }), kernelFunc: makeConv2dBackpropInput(stockInput?.kernelFunc) });
  const stockMaxPoolGrad = getKernel('MaxPoolGrad', 'wasm');
  replace({ ...(stockMaxPoolGrad ?? { kernelName: 'MaxPoolGrad', backendName: 'wasm' }), kernelFunc: maxPoolGrad });
  const stockSum = getKernel('Sum', 'wasm');
  if (!stockSum) throw new Error('wasm kernel Sum is not registered');
  replace({ ...stockSum, kernelFunc: makeSum(stockSum.kernelFunc) });
  const stockTile = getKernel('Tile', 'wasm');
  if (!stockTile) throw new Error('wasm kernel Tile is not registered');
  replace({ ...stockTile, kernelFunc: makeTile(stockTile.kernelFunc) });
  const stockMean = getKernel('Mean', 'wasm');
  if (!stockMean) throw new Error('wasm kernel Mean is not registered');
  replace({ ...stockMean, kernelFunc: makeMean(stockMean.kernelFunc, makeSum(stockSum.kernelFunc)) });
  const stockMatMul = getKernel('BatchMatMul', 'wasm');
  if (!stockMatMul) throw new Error('wasm kernel BatchMatMul is not registered');
  // The stock kernel's setupFunc (which binds the wasm function) must still run.
  replace({ ...stockMatMul, kernelFunc: makeBatchMatMul(stockMatMul.kernelFunc) });
}
