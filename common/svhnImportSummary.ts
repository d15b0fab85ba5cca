// What the user reads after an SVHN import, in VS Code's notification and log and on the CLI's
// stderr: one wording, from the import's result.
import type { SvhnImportResult } from './engineProtocol';

/** "imported 3, 37 missing images (4.png, 5.png, ...)": the notification's sentence. */
export function svhnImportSummary(result: SvhnImportResult): string {
  const more = result.missing > result.missingExamples.length ? ', ...' : '';
  const examples = result.missing > 0 ? ` (${result.missingExamples.join(', ')}${more})` : '';
  return `imported ${result.imported}, ${result.missing} missing images${examples}`;
}

/** The lines the log gets beside it: where the labels went, and what was changed on the way. */
export function svhnImportLogLines(result: SvhnImportResult): string[] {
  const lines = [`${result.imported} of ${result.entries} listed images imported into ${result.labelsPath}; ${result.missing} missing`];
  if (result.withoutBoxes > 0) lines.push(`${result.withoutBoxes} rows have their label only: a digit's box lies outside the image`);
  if (result.rounded > 0) lines.push(`${result.rounded} rows had fractional boxes, rounded outwards to whole pixels`);
  return lines;
}
