// train / eval / predict (DESIGN §5). The engine runs in this process (no worker: a terminal has
// no UI thread to keep free). Progress goes to stderr: one redrawn line on a TTY, plain lines
// otherwise; with --json, stdout holds only JSON.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LABELS_FILE_NAME } from '../../../common/contributions';
import { BACKEND_CHOICES, DEFAULT_BACKEND, DEFAULT_PRESET, PRESET_NAMES, type EvalMetrics, type SkippedCrop } from '../../../common/domain';
import type { TrainProgress } from '../../../common/engineProtocol';
import { checkKnownFlags, numberFlag, oneOf, parseArgs, stringFlag, UsageError } from './args';
import type { CliCommand } from './command';

const BACKEND_FLAG = `--backend ${BACKEND_CHOICES.join('|')}`;
const PRESET_FLAG = `--preset ${PRESET_NAMES.join('|')}`;

/** <dir> holds labels.csv; a path to a .csv labels file is accepted too. */
export function labelsPathOf(arg: string | undefined, command: string): string {
  if (arg === undefined) throw new UsageError(`${command} needs a dataset folder`);
  const abs = path.resolve(arg);
  const labels = existsSync(abs) && statSync(abs).isFile() ? abs : path.join(abs, LABELS_FILE_NAME);
  if (!existsSync(labels)) throw new Error(`${labels} does not exist`);
  return labels;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function metricsTable(title: string, m: EvalMetrics): string {
  return [
    `${title} (${m.count} crops, backend ${m.backend}):`,
    `  sequence accuracy   ${percent(m.sequenceAccuracy)}`,
    `  per-digit accuracy  ${percent(m.digitAccuracy)}`,
    `  length accuracy     ${percent(m.lengthAccuracy)}`,
    `  coverage at 98%     ${percent(m.coverageAt98)}`,
  ].join('\n');
}

export function progressLine(p: TrainProgress, backend: string): string {
  const width = 20;
  const filled = Math.round(p.fraction * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const steps = p.totalSteps ? `${p.step}/${p.totalSteps}` : `${p.step}`;
  return (
    `[${bar}] ${String(Math.floor(p.fraction * 100)).padStart(3)}% step ${steps} epoch ${p.epoch + 1}` +
    ` loss ${p.loss.toFixed(3)} acc ${percent(p.sequenceAccuracy)} ${p.imagesPerSecond.toFixed(0)} img/s` +
    ` ${Math.round(p.elapsedSeconds)}s ${backend}`
  );
}

function progressWriter(): { line: (text: string) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  let drawn = false;
  return {
    line: (text) => {
      if (tty) {
        process.stderr.write(`\r${text}\x1b[K`);
        drawn = true;
      } else if (Date.now() - lastPlain >= 5000) {
        // A log file gets a line every few seconds, not one per step.
        lastPlain = Date.now();
        process.stderr.write(text + '\n');
      }
    },
    done: () => {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

function reportSkipped(skipped: SkippedCrop[]): void {
  const shown = skipped.slice(0, 5).map((s) => `  ${s.file}: ${s.reason}`);
  process.stderr.write(`skipped ${skipped.length} crop(s):\n${shown.join('\n')}${skipped.length > 5 ? `\n  ... and ${skipped.length - 5} more` : ''}\n`);
}

export const trainCliCommand: CliCommand = {
  name: 'train',
  usage: `train <dir> [${PRESET_FLAG}] [--epochs E] [--time-budget SECONDS] [${BACKEND_FLAG}] [--seed S] [--resume | --start-from MODEL_DIR|shipped] [--replace]`,
  async run(argv) {
    const args = parseArgs(argv, ['resume', 'replace']);
    checkKnownFlags(args, ['preset', 'epochs', 'time-budget', 'backend', 'seed', 'resume', 'replace', 'start-from']);
    const labelsPath = labelsPathOf(args.positionals[0], 'train');
    const resume = args.flags.get('resume') === true;
    const startFromFlag = stringFlag(args, 'start-from');
    const startFrom = startFromFlag === undefined ? undefined : startFromFlag === 'shipped' ? shippedModelBesideCli() : path.resolve(startFromFlag);
    if (resume && startFrom !== undefined) throw new UsageError('--resume continues the current model; --start-from begins a new one from another: give one of them');
    // Going on from a model keeps its own preset unless one is named.
    const preset = args.flags.has('preset') || (!resume && startFrom === undefined) ? oneOf(args, 'preset', PRESET_NAMES, DEFAULT_PRESET) : undefined;
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const epochs = numberFlag(args, 'epochs', { min: 1, integer: true });
    const timeBudgetSeconds = numberFlag(args, 'time-budget', { min: 1 });
    const seed = numberFlag(args, 'seed', { integer: true }) ?? 1;
    const { runTraining } = await import('../engine/runTraining');
    const progress = progressWriter();
    let backendName = backend as string;
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      Atomics.store(cancelFlag, 0, 1);
      progress.done();
      process.stderr.write('stopping after this step (Ctrl-C again to quit at once, saving nothing)\n');
    };
    process.on('SIGINT', onSigint);
    try {
      const result = await runTraining(
        { labelsPath, preset, backend, epochs, timeBudgetSeconds, seed, resume, startFrom, replace: args.flags.get('replace') === true },
        {
          cancel: cancelFlag,
          onBackend: (name, threads, note) => {
            backendName = name;
            const what = resume ? ', resuming the current model' : startFrom !== undefined ? `, a new model from ${startFrom}` : `, preset ${preset}`;
            process.stderr.write(`backend: ${name} (${threads} thread${threads === 1 ? '' : 's'})${what}\n`);
            if (note) process.stderr.write(`backend: ${note}\n`);
          },
          onSkipped: reportSkipped,
          onRun: (_id, file) => process.stderr.write(`run record: ${file}\n`),
          onProgress: (p) => progress.line(progressLine(p, backendName)),
        },
      );
      progress.done();
      if (result.outcome === 'discarded') {
        process.stdout.write(`${result.outcomeMessage}\n`);
        return interrupts > 0 ? 130 : 0;
      }
      const before = result.previousValidation ? `\n${metricsTable('the model current before, on the same rows', result.previousValidation)}` : '';
      process.stdout.write(
        `${metricsTable('validation', result.validation)}${before}\n` +
          `${result.outcomeMessage}\n` +
          `${result.outcome === 'current' ? 'model' : 'candidate'}: ${result.modelDir} (${result.steps} steps, ${result.examples} training crops, ${Math.round(result.seconds)} s${result.cancelled ? ', stopped early' : ''})\n` +
          (result.predictionsPath ? `predictions: ${result.predictionsPath}\n` : `predictions: unchanged (take the candidate with: digit-lens use-candidate ${path.dirname(labelsPath)})\n`),
      );
      return 0;
    } finally {
      progress.done();
      process.off('SIGINT', onSigint);
    }
  },
};

export const evalCliCommand: CliCommand = {
  name: 'eval',
  usage: `eval <dir> [--model PATH] [${BACKEND_FLAG}] [--json]`,
  async run(argv) {
    const args = parseArgs(argv, ['json']);
    checkKnownFlags(args, ['model', 'backend', 'json']);
    const labelsPath = labelsPathOf(args.positionals[0], 'eval');
    const model = stringFlag(args, 'model');
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const { runEval } = await import('../engine/evaluate');
    const m = await runEval({ labelsPath, modelDir: model && path.resolve(model), backend }, { onSkipped: reportSkipped, onRecorded: (note) => process.stderr.write(`${note}\n`) });
    if (args.flags.get('json') === true) {
      const { count, sequenceAccuracy, digitAccuracy, lengthAccuracy, coverageAt98 } = m;
      process.stdout.write(JSON.stringify({ count, sequenceAccuracy, digitAccuracy, lengthAccuracy, coverageAt98, backend: m.backend }) + '\n');
    } else {
      process.stdout.write(metricsTable('evaluation', m) + '\n');
    }
    return 0;
  },
};

export const predictCliCommand: CliCommand = {
  name: 'predict',
  usage: `predict <dir> [--model PATH] [${BACKEND_FLAG}]`,
  async run(argv) {
    const args = parseArgs(argv);
    checkKnownFlags(args, ['model', 'backend']);
    const labelsPath = labelsPathOf(args.positionals[0], 'predict');
    const model = stringFlag(args, 'model');
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const { runPredict } = await import('../engine/predict');
    const result = await runPredict(
      { labelsPath, modelDir: model && path.resolve(model), backend },
      {
        onSkipped: reportSkipped,
        onBackend: (_name, _threads, note) => {
          if (note) process.stderr.write(`backend: ${note}\n`);
        },
      },
    );
    process.stdout.write(`${result.predictionsPath} (${result.count} crops, backend ${result.backend})\n`);
    if (result.metrics) process.stdout.write(metricsTable('labeled rows', result.metrics) + '\n');
    return 0;
  },
};

export const retrainCliCommand: CliCommand = {
  name: 'retrain',
  usage: `retrain <dir> --quick [${BACKEND_FLAG}] [--json]   refits the current model's last layers to the labels as they are now`,
  async run(argv) {
    const args = parseArgs(argv, ['quick', 'json']);
    checkKnownFlags(args, ['quick', 'backend', 'json']);
    const labelsPath = labelsPathOf(args.positionals[0], 'retrain');
    if (args.flags.get('quick') !== true) throw new UsageError('retrain needs --quick (a full retrain is: digit-lens train <dir> --resume)');
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const { runQuickRetrain } = await import('../engine/quickRetrain');
    const r = await runQuickRetrain({ labelsPath, backend });
    if (args.flags.get('json') === true) process.stdout.write(JSON.stringify({ seconds: r.seconds, examples: r.examples }) + '\n');
    else process.stdout.write(`last layers refitted on ${r.examples} labeled rows (${r.changed} changed since training) in ${r.seconds.toFixed(2)} s; ${r.predictionsPath}\n`);
    return 0;
  },
};

export const useCandidateCliCommand: CliCommand = {
  name: 'use-candidate',
  usage: `use-candidate <dir> [${BACKEND_FLAG}]         the kept candidate model becomes current; predictions are rewritten`,
  async run(argv) {
    const args = parseArgs(argv);
    checkKnownFlags(args, ['backend']);
    const labelsPath = labelsPathOf(args.positionals[0], 'use-candidate');
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const { runUseCandidate } = await import('../engine/useCandidate');
    const result = await runUseCandidate({ labelsPath, backend }, { onSkipped: reportSkipped });
    process.stdout.write(`model: ${result.modelDir} is current\n${result.predictionsPath} (${result.count} crops, backend ${result.backend})\n`);
    if (result.metrics) process.stdout.write(metricsTable('labeled rows', result.metrics) + '\n');
    return 0;
  },
};

export const benchCliCommand: CliCommand = {
  name: 'bench',
  usage: `bench ${PRESET_FLAG} [${BACKEND_FLAG}] [--steps N] [--json] | bench --matmul N [${BACKEND_FLAG}] [--json]`,
  async run(argv) {
    const args = parseArgs(argv, ['json']);
    checkKnownFlags(args, ['preset', 'backend', 'steps', 'json', 'matmul']);
    if (args.positionals.length > 0) throw new UsageError(`bench takes no dataset, got '${args.positionals[0]}'`);
    const preset = oneOf(args, 'preset', PRESET_NAMES, DEFAULT_PRESET);
    const backend = oneOf(args, 'backend', BACKEND_CHOICES, DEFAULT_BACKEND);
    const steps = numberFlag(args, 'steps', { min: 1, integer: true });
    const matmul = numberFlag(args, 'matmul', { min: 1, integer: true });
    const { runBench, runMatMulBench } = await import('../engine/bench');
    if (matmul !== undefined) {
      const m = await runMatMulBench({ size: matmul, backend });
      if (args.flags.get('json') === true) process.stdout.write(JSON.stringify(m) + '\n');
      else process.stdout.write(`matMul ${m.size}^3 on ${m.backend} (${m.threads} threads): ${m.gflops.toFixed(1)} GFLOP/s\n`);
      return 0;
    }
    const r = await runBench({ preset, backend, steps });
    if (args.flags.get('json') === true) process.stdout.write(JSON.stringify(r) + '\n');
    else {
      process.stdout.write(
        `${r.preset} on ${r.backend} (${r.threads} thread${r.threads === 1 ? '' : 's'}), batch ${r.batch}: ` +
          `train ${r.trainImagesPerSec.toFixed(1)} images/s, inference ${r.inferImagesPerSec.toFixed(1)} images/s\n`,
      );
    }
    return 0;
  },
};

/**
 * The model the extension ships, for `--start-from shipped`: beside the CLI bundle (dist/model,
 * where scripts/build.mjs copies extension/model), or extension/model when run from the sources.
 */
function shippedModelBesideCli(): string {
  for (const dir of [path.join(__dirname, 'model'), path.resolve(__dirname, '..', '..', 'model')]) {
    if (existsSync(path.join(dir, 'model.json'))) return dir;
  }
  throw new UsageError(`no shipped model beside ${__dirname} (dist/model): give --start-from a model folder`);
}
