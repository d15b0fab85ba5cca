// `digit-lens import-svhn <dir> [--force] [--json]`: an SVHN format 1 folder's digitStruct.mat ->
// <dir>/labels.csv (DESIGN §3, §5). Progress and the missing images go to stderr; with --json,
// stdout holds the summary object only.
import * as path from 'node:path';
import { svhnImportLogLines, svhnImportSummary } from '../../../common/svhnImportSummary';
import { importSvhn, LabelsFileExistsError } from '../dataset/svhnImport';
import { checkKnownFlags, parseArgs, UsageError } from './args';
import type { CliCommand } from './command';

const USAGE = 'import-svhn <dir> [--force] [--json]';

export const importSvhnCliCommand: CliCommand = {
  name: 'import-svhn',
  usage: `${USAGE.padEnd(44)}digitStruct.mat in <dir> -> <dir>/labels.csv (--force: overwrite it)`,
  async run(argv) {
    const args = parseArgs(argv, ['force', 'json']);
    checkKnownFlags(args, ['force', 'json']);
    for (const name of ['force', 'json']) {
      if (typeof args.flags.get(name) === 'string') throw new UsageError(`--${name} takes no value`);
    }
    if (args.positionals.length !== 1) throw new UsageError(`import-svhn needs exactly one folder: ${USAGE}`);
    const dir = path.resolve(args.positionals[0]);
    const started = Date.now();
    let lastReport = 0;
    const result = await importSvhn({
      dir,
      force: args.flags.get('force') === true,
      onProgress(done, total) {
        const now = Date.now();
        if (done === total || now - lastReport > 1000) {
          lastReport = now;
          process.stderr.write(`import-svhn: read ${done}/${total} entries of digitStruct.mat\n`);
        }
      },
    }).catch((err: unknown) => {
      // The dataset layer says "force"; a terminal user types --force.
      throw err instanceof LabelsFileExistsError ? new Error(`${err.labelsPath} already exists; nothing was written (--force replaces it)`) : err;
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`import-svhn: ${svhnImportSummary(result)}, in ${seconds} s\n`);
    for (const line of svhnImportLogLines(result)) process.stderr.write(`import-svhn: ${line}\n`);
    if (args.flags.get('json') === true) process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  },
};
