// `digit-lens explain <dir>` (DESIGN §5): what every head of the model sees in one crop (--file)
// or in every row, labeled or not. The engine runs in this process with one model held for all
// crops (engine/modelCache.ts). stdout: one JSON object per crop with --json, else a table;
// --out DIR: one PNG per crop and head, the mask over the crop (maskOverlay.ts). Progress and
// skipped rows on stderr.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { normalizeDatasetPath } from '../../../common/datasetPath';
import { BACKEND_CHOICES, DEFAULT_BACKEND } from '../../../common/domain';
import { DEFAULT_EXPLAIN_METHOD, MAX_SMOOTHGRAD, type ExplainResult } from '../../../common/engineProtocol';
import { HEADS } from '../../../common/heads';
import { isValidLabel, LabelsDocument, type LabelRow } from '../../../common/labels';
import { loadImage } from '../dataset/images';
import { defaultModelDir, resolveDatasetPath } from '../dataset/paths';
import { checkKnownFlags, numberFlag, oneOf, parseArgs, stringFlag, UsageError, type ParsedArgs } from './args';
import type { CliCommand } from './command';
import { labelsPathOf } from './engineCommands';
import { maskOverlayPng } from './maskOverlay';

const methodText = (smoothGrad: number, gradTimesInput: boolean): string =>
  `${smoothGrad > 0 ? `SmoothGrad of ${smoothGrad} copies` : 'plain gradients'}${gradTimesInput ? ' x input' : ''}`;

/** --grad-x-input (on), --grad-x-input=false (off), absent (the default method's). */
function gradTimesInputFlag(args: ParsedArgs): boolean | undefined {
  const v = args.flags.get('grad-x-input');
  if (v === undefined) return undefined;
  if (v === true || v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`--grad-x-input takes no value, or =true or =false; got '${v}'`);
}

/** The JSON line of one crop: the reading and, per head, its probabilities and (digit heads) where its mask peaks. */
export function explainJson(r: ExplainResult): string {
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  return JSON.stringify({
    file: r.file,
    prediction: r.prediction,
    confidence: Number(r.confidence.toPrecision(6)),
    heads: r.heads.map((h, i) => ({
      head: h.head,
      probs: h.probs.map((p) => Number(p.toPrecision(6))),
      ...(i === 0 ? {} : { peak: [round(h.peak[0], 2), round(h.peak[1], 2)] }),
    })),
  });
}

/** One line of the table: file, reading, confidence; per head its likeliest class, that class's probability, its peak. */
export function explainRow(r: ExplainResult): string {
  const heads = r.heads.map((h, i) => {
    const best = h.probs.indexOf(Math.max(...h.probs));
    const peak = i === 0 ? '' : ` @${h.peak[0].toFixed(1)},${h.peak[1].toFixed(1)}`;
    return `${h.head}=${best} ${h.probs[best].toFixed(2)}${peak}`;
  });
  return `${r.file}  ${r.prediction}  ${r.confidence.toFixed(3)}  ${heads.join('  ')}`;
}

/** A file name for `file`'s overlays: its normalised path with '/' -> '__', without its extension. */
export function overlayBaseName(file: string): string {
  return normalizeDatasetPath(file).replace(/\.[^./]*$/, '').replace(/\//g, '__');
}

/** Rows the engine can use: no error on the row, a readable label. The others are reported. */
function usableRows(doc: LabelsDocument): { rows: LabelRow[]; skipped: string[] } {
  const rows: LabelRow[] = [];
  const skipped: string[] = [];
  doc.rows.forEach((row, i) => {
    const problem = doc.problemsOfRow(i).find((p) => p.severity === 'error')?.message ?? (isValidLabel(row.label) ? undefined : `label ${JSON.stringify(row.label)} is not a number`);
    if (problem) skipped.push(`  ${row.file}: ${problem}`);
    else rows.push(row);
  });
  return { rows, skipped };
}

export const explainCliCommand: CliCommand = {
  name: 'explain',
  usage:
    `explain <dir> [--file F] [--model PATH] [--backend B] [--smoothgrad N] [--grad-x-input[=false]] [--out DIR] [--json]\n` +
    `                                              per crop and head: probabilities and where the gradient mask peaks`,
  async run(argv) {
    const args = parseArgs(argv, ['json', 'grad-x-input']);
    checkKnownFlags(args, ['file', 'model', 'backend', 'smoothgrad', 'grad-x-input', 'out', 'json']);
    if (args.positionals.length > 1) throw new UsageError(`explain takes one dataset folder, got ${args.positionals.length}`);
    const labelsPath = labelsPathOf(args.positionals[0], 'explain');
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const smoothGrad = numberFlag(args, 'smoothgrad', { min: 0, integer: true });
    if (smoothGrad !== undefined && smoothGrad > MAX_SMOOTHGRAD) throw new UsageError(`--smoothgrad must be at most ${MAX_SMOOTHGRAD}, got ${smoothGrad}`);
    const gradTimesInput = gradTimesInputFlag(args);
    const file = stringFlag(args, 'file');
    const model = stringFlag(args, 'model');
    const out = stringFlag(args, 'out');
    const json = args.flags.get('json') === true;

    const datasetDir = path.dirname(labelsPath);
    const doc = LabelsDocument.parse(await fs.readFile(labelsPath, 'utf8'));
    const { rows: usable, skipped } = usableRows(doc);
    let rows = usable;
    if (file !== undefined) {
      const wanted = normalizeDatasetPath(file);
      rows = usable.filter((r) => r.file === file || normalizeDatasetPath(r.file) === wanted);
      if (rows.length === 0) {
        const unusable = doc.rows.some((r) => r.file === file || normalizeDatasetPath(r.file) === wanted);
        throw new Error(`${file} ${unusable ? 'has a row that cannot be used' : 'is not a row'} of ${labelsPath}${unusable ? `:\n${skipped.join('\n')}` : ''}`);
      }
    } else if (skipped.length > 0) {
      process.stderr.write(`skipped ${skipped.length} row(s):\n${skipped.slice(0, 5).join('\n')}${skipped.length > 5 ? `\n  ... and ${skipped.length - 5} more` : ''}\n`);
    }
    if (out !== undefined) await fs.mkdir(path.resolve(out), { recursive: true });

    const { runExplain } = await import('../engine/explain');
    const { ModelCache } = await import('../engine/modelCache');
    const { initBackend } = await import('../engine/backend');
    const modelDir = model === undefined ? defaultModelDir(labelsPath) : path.resolve(model);
    const backendInfo = await initBackend(backend);
    if (backendInfo.note) process.stderr.write(`backend: ${backendInfo.note}\n`);
    const models = new ModelCache();
    // Loaded before the first crop: a missing model is the command's error, not every crop's.
    await models.get(modelDir);
    const method = { smoothGrad: smoothGrad ?? DEFAULT_EXPLAIN_METHOD.smoothGrad, gradTimesInput: gradTimesInput ?? DEFAULT_EXPLAIN_METHOD.gradTimesInput };
    process.stderr.write(`explain: ${rows.length} crop(s), ${methodText(method.smoothGrad, method.gradTimesInput)}\n`);
    let failed = 0;
    let lastReport = Date.now();
    try {
      for (const [n, row] of rows.entries()) {
        let result: ExplainResult;
        try {
          result = await runExplain({ labelsPath, modelDir, backend, file: row.file, box: row.box, label: row.label, ...method }, models);
        } catch (err) {
          // One crop that cannot be read does not stop the others.
          if (file !== undefined) throw err;
          failed++;
          process.stderr.write(`  ${row.file}: ${err instanceof Error ? err.message : String(err)}\n`);
          continue;
        }
        process.stdout.write((json ? explainJson(result) : explainRow(result)) + '\n');
        if (out !== undefined) {
          const image = await loadImage(resolveDatasetPath(datasetDir, row.file), row.file);
          const base = path.join(path.resolve(out), overlayBaseName(row.file));
          for (const [i, head] of HEADS.entries()) await fs.writeFile(`${base}.${head.name}.png`, maskOverlayPng(image, result, i));
        }
        if (Date.now() - lastReport > 2000) {
          lastReport = Date.now();
          process.stderr.write(`explain: ${n + 1}/${rows.length}\n`);
        }
      }
    } finally {
      models.dispose();
    }
    if (failed > 0) process.stderr.write(`explain: ${failed} of ${rows.length} crop(s) could not be explained\n`);
    return 0;
  },
};
