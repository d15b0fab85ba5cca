// Mask methods by short name, for the explain benchmarks' command lines.
import type { ExplainMethod } from '../common/engineProtocol';

/** plain, gxi (gradient x input), sgN (SmoothGrad of N noisy copies), sgNxi (SmoothGrad x input). */
export function parseMethod(name: string): ExplainMethod {
  if (name === 'plain') return { smoothGrad: 0, gradTimesInput: false };
  if (name === 'gxi') return { smoothGrad: 0, gradTimesInput: true };
  const m = /^sg(\d+)(xi)?$/.exec(name);
  if (!m) throw new Error(`unknown method '${name}' (plain, gxi, sgN, sgNxi)`);
  return { smoothGrad: Number(m[1]), gradTimesInput: m[2] !== undefined };
}
