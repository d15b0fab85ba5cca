// digit-lens: the engine and dataset code, headless (DESIGN §5). Progress goes to stderr;
// with --json, stdout holds only JSON. Bad input gives a one-line error and a non-zero exit.
import { UsageError } from './cli/args';
import type { CliCommand } from './cli/command';
import { benchCliCommand, evalCliCommand, predictCliCommand, retrainCliCommand, trainCliCommand, useCandidateCliCommand } from './cli/engineCommands';
import { explainCliCommand } from './cli/explain';
import { importSvhnCliCommand } from './cli/importSvhn';
import { labelIssuesCliCommand } from './cli/labelIssues';
import { lspCliCommand } from './cli/lsp';
import { synthCliCommand } from './cli/synth';

const commands: CliCommand[] = [
  synthCliCommand,
  importSvhnCliCommand,
  trainCliCommand,
  evalCliCommand,
  predictCliCommand,
  retrainCliCommand,
  useCandidateCliCommand,
  labelIssuesCliCommand,
  explainCliCommand,
  benchCliCommand,
  lspCliCommand,
];

function usage(): string {
  return ['usage: digit-lens <command> [options]', '', ...commands.map((c) => `  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'\n${usage()}`);
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`digit-lens: ${message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
