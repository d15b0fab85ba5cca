// `digit-lens label-issues <dir> [--top K] [--model PATH] [--json]`: the labeled rows most likely
// mislabeled, from the evidence the last training run saved (DESIGN §5).
import * as path from 'node:path';
import { labelIssuesOf } from '../dataset/labelIssuesFile';
import { checkKnownFlags, numberFlag, parseArgs, stringFlag } from './args';
import type { CliCommand } from './command';
import { labelsPathOf } from './engineCommands';

export const labelIssuesCliCommand: CliCommand = {
  name: 'label-issues',
  usage: 'label-issues <dir> [--top K] [--model PATH] [--json]  labeled rows most likely mislabeled, with the likely label',
  async run(argv) {
    const args = parseArgs(argv, ['json']);
    checkKnownFlags(args, ['top', 'model', 'json']);
    const labelsPath = labelsPathOf(args.positionals[0], 'label-issues');
    const top = numberFlag(args, 'top', { min: 1, integer: true });
    const model = stringFlag(args, 'model');
    const report = await labelIssuesOf(labelsPath, model === undefined ? undefined : path.resolve(model));
    const issues = report.issues.slice(0, top ?? report.issues.length);
    if (args.flags.get('json') === true) {
      process.stdout.write(JSON.stringify(issues.map((i) => ({ file: i.file, label: i.label, suggestion: i.suggestion, score: i.score, position: i.position }))) + '\n');
    } else {
      const lines = issues.map(
        (i, k) =>
          `${String(k + 1).padStart(5)}  ${i.score.toFixed(3)}  ${i.file}${i.line === undefined ? '' : ` (line ${i.line + 1})`}: ${i.label} -> ${i.suggestion} ` +
          `(p ${i.suggestionProbability.toFixed(2)}, ${i.position})${i.heldOut ? ', held out' : ''}`,
      );
      process.stdout.write(['  rank  score  row: label -> likely label (probability, suspect head)', ...lines].join('\n') + '\n');
    }
    if (report.unscored > 0) process.stderr.write(`${report.unscored} labeled row(s) are not in the last run's evidence (added since, or skipped): train again to score them\n`);
    return 0;
  },
};
