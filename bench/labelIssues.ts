// The label-error finder against the ranking the gallery had (confident mismatches), on
// synthetic crops with a known share of labels mistyped the way people mistype (common/mistype.ts).
//   node --import tsx bench/labelIssues.ts [--count 3000] [--fraction 0.05] [--budget 480] [--seed 31] [--from F] [--start-from DIR] [--peak LR]
//        [--digits-from DIGITS_LABELS_CSV]
// Prints, per ranking, the share of truly mistyped rows among the top K (K = the number mistyped)
// and the share of mistyped rows within the top 2K, with the training's steps and images/s.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOGITS } from '../common/heads';
import { mistypeLabels } from '../common/mistype';
import { parseTargetLabel, predictionMatchesLabel } from '../common/sequence';
import { checkKnownFlags, numberFlag, parseArgs, stringFlag } from '../extension/src/cli/args';
import { loadCrops } from '../extension/src/dataset/crops';
import { synthesize } from '../extension/src/dataset/synth';
import { initBackend } from '../extension/src/engine/backend';
import { loadCheckpoint } from '../extension/src/engine/checkpoint';
import { imageStats, splitValidation } from '../extension/src/engine/data';
import { blendStartReading, evidenceFrom, readWithStartModel } from '../extension/src/engine/startEvidence';
import { decodeSequence } from '../extension/src/engine/decode';
import { labelIssue } from '../common/labelIssues';
import { findLabelIssues } from '../common/labelEvidence';
import { predictLogits } from '../extension/src/engine/predict';
import { PRESETS } from '../extension/src/engine/presets';
import { trainOnCrops } from '../extension/src/engine/train';
import { logSoftmaxHeads } from '../common/heads';

const args = parseArgs(process.argv.slice(2));
checkKnownFlags(args, ['count', 'fraction', 'budget', 'seed', 'from', 'epochs', 'dump', 'ignore-worst', 'ignore-from', 'start-from', 'peak', 'digits-from']);
// --start-from DIR: train from that model's weights (the shipped one: extension/model), as `train --start-from` does; --peak: the peak learning rate.
const startFrom = stringFlag(args, 'start-from');
const peak = numberFlag(args, 'peak', { min: 0 });
// --digits-from: every number composed from these real one-digit crops (../shared/data/svhn-digits/labels.csv), as synth --digits-from does.
const digitsFrom = stringFlag(args, 'digits-from');
// --ignore-worst Q: train with ignoreWorst (the Q of rows read worst left out of the loss), from --ignore-from (0.5).
const ignoreWorst = numberFlag(args, 'ignore-worst', { min: 0 });
const ignoreFrom = numberFlag(args, 'ignore-from', { min: 0 }) ?? 0.5;
// --dump FILE: every row's label, truth and log-probabilities (final model, each window), to
// study other rankings without training again.
const dumpFlag = args.flags.get('dump');
const dump = typeof dumpFlag === 'string' ? dumpFlag : undefined;
const count = numberFlag(args, 'count', { min: 100, integer: true }) ?? 3000;
const fraction = numberFlag(args, 'fraction', { min: 0 }) ?? 0.05;
const budget = numberFlag(args, 'budget', { min: 1 }) ?? 480;
const epochs = numberFlag(args, 'epochs', { min: 1, integer: true });
const seed = numberFlag(args, 'seed', { integer: true }) ?? 31;
// --from F: the evidence from F of the run on (default: as `train` chooses, engine/runTraining.ts's evidenceFrom).
const from = numberFlag(args, 'from', { min: 0 });

async function main(): Promise<void> {
  const backend = await initBackend('auto');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-label-issues-'));
  const { labelsPath } = await synthesize({ dir, count, seed, digitsFrom: digitsFrom === undefined ? undefined : path.resolve(digitsFrom) });
  const crops = await loadCrops(labelsPath, { onlyLabeled: true });
  const truth = crops.rows.map((r) => r.label);
  const { labels, mistakes } = mistypeLabels(truth, fraction, seed + 1);
  const wrong = new Set(mistakes.map((m) => m.index));
  const files = crops.rows.map((r) => r.file);
  const kinds = new Map<string, number>();
  for (const m of mistakes) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  console.log(`${count} crops, ${mistakes.length} mistyped (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}), backend ${backend.name}`);

  // Other windows of the dynamics, recorded from the same run, every step alike: the mean
  // log-probabilities from each start fraction on, and one weighted by how far the run was.
  const starts = [0, 0.25, 0.5, 0.75];
  const windows = starts.map(() => ({ sum: new Float64Array(files.length * LOGITS), weight: new Float64Array(files.length) }));
  // And the early part of the run alone, up to each of these fractions (before it memorises).
  const untils = [0.1, 0.25, 0.5];
  const early = untils.map(() => ({ sum: new Float64Array(files.length * LOGITS), weight: new Float64Array(files.length) }));
  const ramp = { sum: new Float64Array(files.length * LOGITS), weight: new Float64Array(files.length) };
  const lpRow = new Float32Array(LOGITS);
  const add = (w: { sum: Float64Array; weight: Float64Array }, row: number, weight: number) => {
    for (let i = 0; i < LOGITS; i++) w.sum[row * LOGITS + i] += weight * lpRow[i];
    w.weight[row] += weight;
  };
  const initial = startFrom === undefined ? undefined : await loadCheckpoint(startFrom);
  // As `train` does: the start model's reading of every row, when it reads the validation rows already.
  const validationRows = splitValidation(files).validation;
  const src = { pixels: crops.pixels, ...imageStats(crops.pixels, files.length) };
  const startClock = performance.now();
  const start = initial && readWithStartModel(initial.model, initial.meta.spec, src, labels, validationRows);
  const startSeconds = (performance.now() - startClock) / 1000;
  const recordFrom = from ?? evidenceFrom(start);
  if (initial) console.log(`starting from ${startFrom} (${initial.meta.steps} steps), which reads ${(100 * (start?.validation.sequenceAccuracy ?? 0)).toFixed(1)}% of the validation rows (typed labels); its reading of every row ${start?.logProbs ? `took ${startSeconds.toFixed(1)} s` : 'is not evidence'}`);
  console.log(`evidence recorded from ${recordFrom} of the run`);
  const result = await trainOnCrops(
    { files, labels, pixels: crops.pixels },
    {
      spec: PRESETS.fast, seed: 1, initialModel: initial?.model, peakLearningRate: peak, timeBudgetSeconds: epochs ? undefined : budget, epochs, recordDynamicsFrom: recordFrom,
      ignoreWorst: ignoreWorst === undefined ? undefined : { from: ignoreFrom, fraction: ignoreWorst },
      onStepLogits: (rows, logits, fraction) => {
        rows.forEach((row, b) => {
          lpRow.set(logits.subarray(b * LOGITS, (b + 1) * LOGITS));
          logSoftmaxHeads(lpRow);
          starts.forEach((s, k) => fraction >= s && add(windows[k], row, 1));
          untils.forEach((u, k) => fraction < u && add(early[k], row, 1));
          add(ramp, row, fraction);
        });
      },
    },
  );
  const trainSeconds = result.seconds;
  console.log(`trained ${result.steps} steps (${result.epochs} epochs) in ${trainSeconds.toFixed(0)} s, ${((result.steps * 32) / trainSeconds).toFixed(0)} img/s; validation sequence accuracy ${(100 * result.validation.sequenceAccuracy).toFixed(1)}% (against the typed labels)${ignoreWorst === undefined ? '' : `; ${result.ignoredExamples} examples left out of the loss (worst ${ignoreWorst} from ${ignoreFrom})`}`);

  // The final model's reading of every row (in sample for the training rows), as the gallery had it.
  const t0 = performance.now();
  const finalLp = logSoftmaxHeads(predictLogits(result.model, src, [...files.keys()], PRESETS.fast));
  const predictSeconds = (performance.now() - t0) / 1000;
  result.model.dispose();

  function report(name: string, order: number[], extra = ''): void {
    const k = mistakes.length;
    const topK = order.slice(0, k).filter((i) => wrong.has(i)).length;
    const top2K = order.slice(0, 2 * k).filter((i) => wrong.has(i)).length;
    console.log(`${name.padEnd(44)} precision@K ${((100 * topK) / k).toFixed(1).padStart(5)}%  recall@2K ${((100 * top2K) / k).toFixed(1).padStart(5)}%${extra}`);
  }
  const byDesc = (score: number[]) => [...score.keys()].sort((a, b) => score[b] - score[a]);

  // A. The gallery's confident mismatches: reading != label, most confident first, then the rest.
  const decoded = files.map((_, i) => decodeSequence(finalLp, i * LOGITS));
  const mismatchScore = decoded.map((d, i) => (predictionMatchesLabel(d.text, labels[i]) ? -1 : d.confidence));
  report('confident mismatch (final model, gallery)', byDesc(mismatchScore));

  // B. The final model's margin, in sample.
  const t1 = performance.now();
  const finalIssues = files.map((_, i) => labelIssue(finalLp, i * LOGITS, labels[i]));
  report('final-model sequence margin', byDesc(finalIssues.map((x) => x.score)));

  // C and D. The training dynamics.
  const lp = result.dynamics.meanLogProbs;
  const issues = files.map((_, i) => labelIssue(lp, i * LOGITS, labels[i]));
  const scoreSeconds = (performance.now() - t1) / 1000 / 2;
  const logProbOfLabel = files.map((_, i) => {
    const t = parseTargetLabel(labels[i]);
    let s = lp[i * LOGITS + t.lengthClass];
    t.digits.forEach((d, k) => (s += lp[i * LOGITS + 7 + 10 * k + d]));
    return -s;
  });
  report(`dynamics: -mean log P(label) (from ${recordFrom})`, byDesc(logProbOfLabel));
  // What ships (CLI, gallery, diagnostics): the dynamics blended with the start model's reading
  // (engine/startEvidence.ts), margins calibrated by length (common/labelEvidence.ts).
  const evidenceRows = files.map((file, i) => ({ file, label: labels[i], heldOut: result.dynamics.heldOut[i] === 1 }));
  const labeledRows = files.map((file, i) => ({ file, label: labels[i], line: i }));
  const shipped = findLabelIssues({ rows: evidenceRows, ...blendStartReading(lp, start, result.validation.sequenceAccuracy) }, labeledRows);
  const shippedOrder = shipped.map((x) => x.line ?? -1);
  const shippedRight = mistakes.filter((m) => shipped.find((x) => x.line === m.index)?.suggestion === (m.truth.length > 5 ? `>5:${m.truth.slice(0, 5)}` : m.truth)).length;
  report(`shipped: dynamics${start?.logProbs ? ' + start reading' : ''}, calibrated (from ${recordFrom})`, shippedOrder, `  suggestion = truth for ${shippedRight}/${mistakes.length}`);
  if (start?.logProbs) {
    report('dynamics alone, calibrated (the evidence before stop 22)', findLabelIssues({ rows: evidenceRows, meanLogProbs: lp }, labeledRows).map((x) => x.line ?? -1));
    report('start model alone, calibrated', findLabelIssues({ rows: evidenceRows, meanLogProbs: start.logProbs }, labeledRows).map((x) => x.line ?? -1));
  }
  const finalShipped = findLabelIssues(
    { rows: files.map((file, i) => ({ file, label: labels[i], heldOut: result.dynamics.heldOut[i] === 1 })), meanLogProbs: finalLp },
    files.map((file, i) => ({ file, label: labels[i], line: i })),
  );
  report('final-model margin calibrated by length', finalShipped.map((x) => x.line ?? -1));
  const order = shippedOrder;
  const means = (w: { sum: Float64Array; weight: Float64Array }): Float32Array => {
    const out = Float32Array.from(lp); // held-out rows keep the final model's reading
    for (let r = 0; r < files.length; r++) {
      if (result.dynamics.heldOut[r] || w.weight[r] === 0) continue;
      for (let i = 0; i < LOGITS; i++) out[r * LOGITS + i] = w.sum[r * LOGITS + i] / w.weight[r];
    }
    return out;
  };
  starts.forEach((s, k) => {
    const m = means(windows[k]);
    report(`dynamics: raw sequence margin (from ${s})`, byDesc(files.map((_, i) => labelIssue(m, i * LOGITS, labels[i]).score)));
  });
  const calibrated = (m: Float32Array): number[] =>
    findLabelIssues(
      { rows: files.map((file, i) => ({ file, label: labels[i], heldOut: result.dynamics.heldOut[i] === 1 })), meanLogProbs: m },
      files.map((file, i) => ({ file, label: labels[i], line: i })),
    ).map((x) => x.line ?? -1);
  // The evidence shipped before stop 19: every step alike, from a quarter of the run on.
  report('calibrated, unweighed, from 0.25 (before)', calibrated(means(windows[1])));
  report('calibrated, unweighed, from the first step', calibrated(means(windows[0])));
  const rampMeans = means(ramp);
  report('dynamics: sequence margin (later steps weigh more)', byDesc(files.map((_, i) => labelIssue(rampMeans, i * LOGITS, labels[i]).score)));
  // Dynamics and the final reading together: the sum of the two margins (as log-odds).
  const logit = (p: number) => Math.log(Math.max(1e-12, p) / Math.max(1e-12, 1 - p));
  report('dynamics + final-model margins', byDesc(files.map((_, i) => logit(issues[i].score) + logit(finalIssues[i].score))));
  if (dump) {
    const rows = (a: ArrayLike<number>) => files.map((_, r) => Array.from({ length: LOGITS }, (_, i) => +a[r * LOGITS + i].toFixed(4)));
    const kindOf = new Map(mistakes.map((m) => [m.index, m.kind]));
    await fs.writeFile(
      dump,
      JSON.stringify({
        labels, truth, kinds: files.map((_, i) => kindOf.get(i) ?? ''), heldOut: Array.from(result.dynamics.heldOut), steps: result.steps, validation: result.validation,
        final: rows(finalLp), dynamics: rows(lp), windows: Object.fromEntries(starts.map((s, k) => [s, rows(means(windows[k]))])), ramp: rows(rampMeans),
        early: Object.fromEntries(untils.map((u, k) => [u, rows(means(early[k]))])), start: start?.logProbs ? rows(start.logProbs) : null,
        startAccuracy: start?.validation.sequenceAccuracy ?? null, files,
      }),
    );
    console.log(`dumped to ${dump}`);
  }
  const heldOutWrong = mistakes.filter((m) => result.dynamics.heldOut[m.index]).length;
  console.log(`(${heldOutWrong} of the mistyped rows were held out; scoring ${files.length} rows took ${(scoreSeconds * 1000).toFixed(0)} ms; the final model's reading of every row ${predictSeconds.toFixed(1)} s)`);
  for (const kind of ['swap', 'drop', 'double', 'wrong']) {
    const of = mistakes.filter((m) => m.kind === kind);
    const rank = new Map(order.map((i, r) => [i, r])); // the shipped ranking
    const found = of.filter((m) => (rank.get(m.index) ?? Infinity) < mistakes.length).length;
    console.log(`  ${kind.padEnd(6)} ${found}/${of.length} in the top K`);
  }
  await fs.rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
