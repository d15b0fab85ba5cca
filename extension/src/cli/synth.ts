// `digit-lens synth <dir> --count N [--seed S] [--digits-from labels.csv [--composed-share F]]`:
// synthetic street-number crops and labels.csv; with --digits-from, numbers composed from real
// one-digit crops, alone or mixed with rendered ones.
import * as path from 'node:path';
import { MAX_SYNTH_COUNT, synthesize } from '../dataset/synth';
import { checkKnownFlags, numberFlag, parseArgs, stringFlag, UsageError } from './args';
import type { CliCommand } from './command';

export const synthCliCommand: CliCommand = {
  name: 'synth',
  usage:
    'synth <dir> --count N [--seed S] [--digits-from LABELS.csv [--composed-share F]]\n' +
    '                                              synthetic street-number crops + labels.csv (with box, digit_boxes);\n' +
    '                                              --digits-from composes a share F (default 1) from real one-digit crops',
  async run(argv) {
    const args = parseArgs(argv);
    checkKnownFlags(args, ['count', 'seed', 'digits-from', 'composed-share']);
    if (args.positionals.length !== 1) throw new UsageError('synth needs exactly one folder: synth <dir> --count N [--seed S]');
    const count = numberFlag(args, 'count', { min: 1, integer: true });
    if (count === undefined) throw new UsageError('synth needs --count N');
    if (count > MAX_SYNTH_COUNT) throw new UsageError(`--count must be at most ${MAX_SYNTH_COUNT}, got ${count}`);
    const seed = numberFlag(args, 'seed', { min: 0, integer: true }) ?? 1;
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number below 2^53, got ${seed}`);
    const digitsFrom = stringFlag(args, 'digits-from');
    const composedShare = numberFlag(args, 'composed-share', { min: 0 });
    if (composedShare !== undefined && composedShare > 1) throw new UsageError(`--composed-share must be from 0 to 1, got ${composedShare}`);
    if (composedShare !== undefined && digitsFrom === undefined) throw new UsageError('--composed-share needs --digits-from');
    const dir = path.resolve(args.positionals[0]);
    const started = Date.now();
    let lastReport = 0;
    const result = await synthesize({
      dir,
      count,
      seed,
      digitsFrom: digitsFrom === undefined ? undefined : path.resolve(digitsFrom),
      composedShare,
      onProgress(done, total) {
        const now = Date.now();
        if (done === total || now - lastReport > 1000) {
          lastReport = now;
          process.stderr.write(`synth: ${done}/${total} crops\n`);
        }
      },
    });
    const seconds = (Date.now() - started) / 1000;
    if (result.pool) {
      const { crops, notOneDigit, unreadable, firstUnreadable } = result.pool;
      process.stderr.write(`synth: ${result.composed} crops composed from ${crops} real digits (${notOneDigit} rows not one digit, ${unreadable} unreadable${firstUnreadable ? `, first: ${firstUnreadable}` : ''})\n`);
    }
    process.stderr.write(`synth: wrote ${result.count} crops and ${result.labelsPath} in ${seconds.toFixed(1)} s\n`);
    return 0;
  },
};
