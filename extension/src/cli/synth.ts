// `digit-lens synth <dir> --count N [--seed S]`: synthetic street-number crops and labels.csv.
import * as path from 'node:path';
import { MAX_SYNTH_COUNT, synthesize } from '../dataset/synth';
import { checkKnownFlags, numberFlag, parseArgs, UsageError } from './args';
import type { CliCommand } from './command';

export const synthCliCommand: CliCommand = {
  name: 'synth',
  usage: 'synth <dir> --count N [--seed S]            synthetic street-number crops + labels.csv (with box, digit_boxes)',
  async run(argv) {
    const args = parseArgs(argv);
    checkKnownFlags(args, ['count', 'seed']);
    if (args.positionals.length !== 1) throw new UsageError('synth needs exactly one folder: synth <dir> --count N [--seed S]');
    const count = numberFlag(args, 'count', { min: 1, integer: true });
    if (count === undefined) throw new UsageError('synth needs --count N');
    if (count > MAX_SYNTH_COUNT) throw new UsageError(`--count must be at most ${MAX_SYNTH_COUNT}, got ${count}`);
    const seed = numberFlag(args, 'seed', { min: 0, integer: true }) ?? 1;
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number below 2^53, got ${seed}`);
    const dir = path.resolve(args.positionals[0]);
    const started = Date.now();
    let lastReport = 0;
    const result = await synthesize({
      dir,
      count,
      seed,
      onProgress(done, total) {
        const now = Date.now();
        if (done === total || now - lastReport > 1000) {
          lastReport = now;
          process.stderr.write(`synth: ${done}/${total} crops\n`);
        }
      },
    });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`synth: wrote ${result.count} crops and ${result.labelsPath} in ${seconds.toFixed(1)} s\n`);
    return 0;
  },
};
