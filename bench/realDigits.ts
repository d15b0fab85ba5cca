// Accuracy on real digits (issue 9), measured on numbers composed only from digit crops the model
// never saw: a validation split whose composites share crops with the training ones hides how
// much a model memorises the crops themselves.
//
//   node --import tsx bench/realDigits.ts [--budget 900] [--epochs E] [--train-count 6000]
//        [--composed-share 1] [--synthetic-only] [--test-count 1000] [--keep DIR] [--model DIR]
//        [--start-from DIR]
//
// The 8,000 real SVHN digits of ../shared/data/svhn-digits are shuffled (seed 9) and split into
// 6,000 training digits and 2,000 unseen ones. Training: --train-count crops (seed 1), a share
// --composed-share of them composed from the training digits, the rest rendered; with
// --synthetic-only, rendered crops only. Test: --test-count numbers (seed 2) composed from the
// unseen digits only. Prints steps, img/s, validation and the unseen-crop test figures. With
// --model, no training: that model is measured on the unseen-crop composites.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatLabelsCsv, LabelsDocument } from '../common/labels';
import { checkKnownFlags, numberFlag, parseArgs, stringFlag } from '../extension/src/cli/args';
import { synthesize } from '../extension/src/dataset/synth';
import { Random } from '../extension/src/dataset/synth/random';
import { runEval } from '../extension/src/engine/evaluate';
import { runTraining } from '../extension/src/engine/runTraining';

const args = parseArgs(process.argv.slice(2), ['synthetic-only']);
checkKnownFlags(args, ['budget', 'epochs', 'train-count', 'composed-share', 'synthetic-only', 'test-count', 'keep', 'model', 'start-from']);
const budget = numberFlag(args, 'budget', { min: 1 });
const epochs = numberFlag(args, 'epochs', { min: 1, integer: true });
const trainCount = numberFlag(args, 'train-count', { min: 1, integer: true }) ?? 6000;
const testCount = numberFlag(args, 'test-count', { min: 1, integer: true }) ?? 1000;
const syntheticOnly = args.flags.get('synthetic-only') === true;
const composedShare = syntheticOnly ? 0 : (numberFlag(args, 'composed-share', { min: 0 }) ?? 1);
const keep = stringFlag(args, 'keep');
const givenModel = stringFlag(args, 'model');
// --start-from DIR: train a new model from that model's weights (the shipped one: extension/model), as `train --start-from` does.
const startFrom = stringFlag(args, 'start-from');
const digits = path.resolve(__dirname, '../../shared/data/svhn-digits');

/** A labels file of `rows` in a new folder whose img/ links to the shared digits (paths must stay inside the folder). */
async function digitsFolder(dir: string, rows: { file: string; label: string }[]): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.symlink(path.join(digits, 'img'), path.join(dir, 'img'));
  await fs.writeFile(path.join(dir, 'labels.csv'), formatLabelsCsv(rows));
  return path.join(dir, 'labels.csv');
}

async function main(): Promise<void> {
  const root = keep ? path.resolve(keep) : await fs.mkdtemp(path.join(os.tmpdir(), 'dl-real-digits-'));
  const all = LabelsDocument.parse(await fs.readFile(path.join(digits, 'labels.csv'), 'utf8')).rows.map((r) => ({ file: r.file, label: r.label }));
  const random = new Random(9);
  for (let i = all.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  const trainDigits = await digitsFolder(path.join(root, 'digits-train'), all.slice(0, 6000));
  const unseenDigits = await digitsFolder(path.join(root, 'digits-unseen'), all.slice(6000));
  const started = Date.now();
  const test = await synthesize({ dir: path.join(root, 'unseen'), count: testCount, seed: 2, digitsFrom: unseenDigits });
  let modelDir = givenModel && path.resolve(givenModel);
  if (!modelDir) {
    const train = await synthesize({ dir: path.join(root, 'train'), count: trainCount, seed: 1, digitsFrom: composedShare > 0 ? trainDigits : undefined, composedShare });
    console.log(`data: ${trainCount} training crops (${train.composed} composed from 6,000 real digits), ${testCount} test numbers composed from 2,000 unseen digits, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // The default preset, as `digit-lens train <dir> --time-budget 900` would train it.
    const trained = await runTraining({
      labelsPath: train.labelsPath, backend: 'auto', timeBudgetSeconds: budget ?? (epochs ? undefined : 900), epochs, seed: 1,
      startFrom: startFrom === undefined ? undefined : path.resolve(startFrom),
    });
    const v = trained.validation;
    console.log(`trained ${trained.steps} steps in ${trained.seconds.toFixed(0)} s (${((trained.steps * 32) / trained.seconds).toFixed(0)} img/s); validation (crops shared with training): sequence ${(100 * v.sequenceAccuracy).toFixed(1)}%`);
    modelDir = trained.modelDir;
  }
  const t = await runEval({ labelsPath: test.labelsPath, modelDir, backend: 'auto' });
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`unseen-crop composites (${t.count}): sequence ${pct(t.sequenceAccuracy)}, per digit ${pct(t.digitAccuracy)}, length ${pct(t.lengthAccuracy)}, coverage at 98% ${pct(t.coverageAt98)}`);
  if (!keep) await fs.rm(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
