import { readFileSync } from 'node:fs';
import { LOGITS } from '../common/heads';
import { findLabelIssues } from '../common/labelEvidence';
for (const file of process.argv.slice(2)) {
  const d = JSON.parse(readFileSync(file, 'utf8')) as { labels: string[]; kinds: string[]; heldOut: number[]; dynamics: number[][]; windows: Record<string, number[][]> };
  const n = d.labels.length;
  const K = d.kinds.filter((k) => k).length;
  const score = (rowsLp: number[][]): number[] => {
    const lp = new Float32Array(n * LOGITS);
    rowsLp.forEach((r, i) => lp.set(r, i * LOGITS));
    const issues = findLabelIssues({ rows: d.labels.map((label, i) => ({ file: `f${i}`, label, heldOut: d.heldOut[i] === 1 })), meanLogProbs: lp }, d.labels.map((label, i) => ({ file: `f${i}`, label })));
    const s = new Array<number>(n).fill(0);
    for (const x of issues) s[Number(x.file.slice(1))] = x.score;
    return s;
  };
  const logit = (p: number) => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));
  const w0 = score(d.windows['0']), w25 = score(d.dynamics), w5 = score(d.windows['0.5']);
  const report = (name: string, s: number[]) => {
    const order = [...s.keys()].sort((a, b) => s[b] - s[a]);
    const p = order.slice(0, K).filter((i) => d.kinds[i]).length, r = order.slice(0, 2 * K).filter((i) => d.kinds[i]).length;
    console.log(`${file.split('/').pop()} ${name.padEnd(28)} ${(100 * p / K).toFixed(1)} / ${(100 * r / K).toFixed(1)}`);
  };
  report('from 0.25 (shipped)', w25);
  report('from 0', w0);
  for (const a of [0.25, 0.5, 0.75]) report(`logit mix ${a} x w0`, w0.map((v, i) => a * logit(v) + (1 - a) * logit(w25[i])));
  report('min of the two', w0.map((v, i) => Math.min(logit(v), logit(w25[i]))));
  report('mix w0,w25,w5', w0.map((v, i) => logit(v) + logit(w25[i]) + logit(w5[i])));
}
