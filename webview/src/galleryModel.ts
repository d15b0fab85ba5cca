// The gallery's filtering, counting, ordering and offers, apart from the DOM so they are easy to
// read and test. Filters, counts and orders run over the columns of a CropTable (250,000 rows in
// tens of milliseconds, no object per row); offers work on one crop.
import { CROP_LENGTHS, NO_LENGTH, ROW_FLAGS } from '../../common/galleryColumns';
import {
  GALLERY_FILTERS,
  LIKELY_ERROR,
  type GalleryCrop,
  type GalleryFilter,
  type GalleryLength,
  type GalleryNeighbour,
  type GallerySort,
  type RowRef,
  type Step,
} from '../../common/webviewProtocol';
import type { CropTable } from './cropTable';

export const FILTER_TITLES: Record<GalleryFilter, string> = {
  all: 'All',
  unlabeled: 'Unlabeled',
  mismatches: 'Mismatches',
  lowConfidence: 'Low confidence',
  likelyErrors: 'Likely label errors',
};
export const SORT_TITLES: Record<GallerySort, string> = {
  file: 'File order',
  confidenceDescending: 'Most confident first',
  confidenceAscending: 'Least confident first',
  errorScore: 'Likeliest label errors first',
};
export const LENGTH_TITLES: Record<GalleryLength, string> = {
  any: 'Any length',
  '0': 'No number',
  '1': '1 digit',
  '2': '2 digits',
  '3': '3 digits',
  '4': '4 digits',
  '5': '5 digits',
  '>5': 'More than 5 digits',
};

/** Which crops the gallery shows: one filter, narrowed by a length and a text. */
export interface GalleryQuery {
  filter: GalleryFilter;
  length: GalleryLength;
  /** Label or file name contains it, ignoring case and the spaces around it; '' = any. */
  text: string;
  /** The low-confidence filter's threshold, 0..1. */
  lowConfidenceBelow: number;
  /** Only crops whose file field is in this set (a dashboard's confusion cell); absent = any. */
  files?: ReadonlySet<string>;
}

export function isLikelyError(crop: GalleryCrop): boolean {
  return crop.issue !== undefined && crop.issue.score >= LIKELY_ERROR;
}

export function isMismatch(crop: GalleryCrop): boolean {
  return crop.prediction !== undefined && !crop.prediction.matchesLabel;
}

/** Whether row i belongs under `filter` (length and text aside). Low confidence: read below the threshold; an unread crop is not "low", it is unread. */
function inFilter(table: CropTable, i: number, filter: GalleryFilter, lowConfidenceBelow: number): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'unlabeled':
      return table.unlabeled(i);
    case 'mismatches':
      return table.mismatch(i);
    case 'lowConfidence':
      return table.lowConfidence(i, lowConfidenceBelow);
    case 'likelyErrors':
      return table.likelyError(i);
  }
}

/** The text filter as matched: lower case, without the spaces around it. */
export function textNeedle(text: string): string {
  return text.trim().toLowerCase();
}

/** The row's length under the length filter: 'any' always, else its own. */
function inLength(table: CropTable, i: number, length: GalleryLength): boolean {
  return length === 'any' || table.columns.lengths[i] === CROP_LENGTHS.indexOf(length);
}

/** Whether the gallery shows row i under `query`. */
function showsRow(table: CropTable, i: number, query: GalleryQuery, needle: string): boolean {
  return inFilter(table, i, query.filter, query.lowConfidenceBelow) && inLength(table, i, query.length) && table.containsText(i, needle) && table.inFileSet(i, query.files);
}

/** The rows the gallery shows under `query`, in file order. */
export function filterRows(table: CropTable, query: GalleryQuery): Uint32Array {
  const needle = textNeedle(query.text);
  const rows = new Uint32Array(table.count);
  let n = 0;
  for (let i = 0; i < table.count; i++) if (showsRow(table, i, query, needle)) rows[n++] = i;
  return rows.slice(0, n);
}

/**
 * How many crops each choice would show, the other choices as they are: each filter's count under
 * the current length and text, each length's under the current filter and text. So a count is
 * always what a click on that choice shows.
 */
export interface FilterCounts {
  filters: Record<GalleryFilter, number>;
  lengths: Record<GalleryLength, number>;
}

export function countRows(table: CropTable, query: GalleryQuery): FilterCounts {
  const filters = Object.fromEntries(GALLERY_FILTERS.map((f) => [f, 0])) as Record<GalleryFilter, number>;
  const byLength = new Uint32Array(CROP_LENGTHS.length);
  let anyLength = 0;
  const needle = textNeedle(query.text);
  for (let i = 0; i < table.count; i++) {
    if (!table.containsText(i, needle) || !table.inFileSet(i, query.files)) continue;
    if (inLength(table, i, query.length)) {
      for (const filter of GALLERY_FILTERS) if (inFilter(table, i, filter, query.lowConfidenceBelow)) filters[filter]++;
    }
    if (inFilter(table, i, query.filter, query.lowConfidenceBelow)) {
      anyLength++;
      const length = table.columns.lengths[i];
      if (length !== NO_LENGTH) byLength[length]++;
    }
  }
  const lengths = { any: anyLength, ...Object.fromEntries(CROP_LENGTHS.map((l, k) => [l, byLength[k]])) } as Record<GalleryLength, number>;
  return { filters, lengths };
}

export function summarize(table: CropTable): { total: number; mismatches: number; unlabeled: number; likelyErrors: number } {
  let mismatches = 0;
  let unlabeled = 0;
  let likelyErrors = 0;
  for (let i = 0; i < table.count; i++) {
    if (table.mismatch(i)) mismatches++;
    if (table.unlabeled(i)) unlabeled++;
    if (table.likelyError(i)) likelyErrors++;
  }
  return { total: table.count, mismatches, unlabeled, likelyErrors };
}

// The labels format's own rule (common/labels.ts re-exports it), from its Node-free module.
export { isValidLabel } from '../../common/labelSyntax';

/**
 * Orders rows (in file order, as filterRows gives them) for review, in place. Most confident first
 * puts the model's confident disagreements, the likeliest label mistakes, at the top of the
 * mismatches; least confident first shows what the model finds hard. Ties and rows without a
 * prediction (a score) keep file order.
 */
export function sortRows(table: CropTable, rows: Uint32Array, sort: GallerySort): Uint32Array {
  if (sort === 'file') return rows;
  const { confidences, issueScores, flags } = table.columns;
  // Likeliest label errors first: the finder's score (rows it cannot score last).
  const [values, has] = sort === 'errorScore' ? [issueScores, ROW_FLAGS.issue] : [confidences, ROW_FLAGS.predicted];
  const sign = sort === 'confidenceAscending' ? 1 : -1;
  // Rows are distinct and in file order: the index is the tie-break.
  return rows.sort((a, b) => {
    const hasA = (flags[a] & has) !== 0;
    const hasB = (flags[b] & has) !== 0;
    if (!hasA || !hasB) return (hasA ? 0 : 1) - (hasB ? 0 : 1) || a - b;
    return sign * (values[a] - values[b]) || a - b;
  });
}

/** The filter, length, text and order in words, as the inspector shows where its next and previous come from. */
export function viewTitle(query: GalleryQuery, sort: GallerySort): string {
  const parts = [FILTER_TITLES[query.filter] + (query.filter === 'lowConfidence' ? ` (below ${Math.round(query.lowConfidenceBelow * 100)}%)` : '')];
  if (query.length !== 'any') parts.push(LENGTH_TITLES[query.length]);
  const needle = query.text.trim();
  if (needle !== '') parts.push(`containing “${needle}”`);
  parts.push(SORT_TITLES[sort]);
  return parts.join(' · ');
}

/**
 * The crop after (step 1) or before (step -1) the row `from`, among those the gallery shows, in its
 * order: what the inspector's next and previous show. The row itself need not be shown any more
 * (a mismatch just fixed has left the Mismatches): its place in the order of all crops says where
 * its neighbours are. `unknown` when no crop is that row (the file changed since this data).
 */
export function neighbourRow(table: CropTable, query: GalleryQuery, sort: GallerySort, from: RowRef, step: Step): GalleryNeighbour {
  const row = table.rowOf(from);
  if (row < 0) return { status: 'unknown' };
  const order = sortRows(table, Uint32Array.from({ length: table.count }, (_, i) => i), sort);
  const at = order.indexOf(row);
  const shown = sortRows(table, filterRows(table, query), sort);
  const view = viewTitle(query, sort);
  const needle = textNeedle(query.text);
  for (let k = at + step; k >= 0 && k < order.length; k += step) {
    const i = order[k];
    if (showsRow(table, i, query, needle)) {
      const { line, file } = table.crop(i);
      return { status: 'found', line, file, position: shown.indexOf(i), count: shown.length, view };
    }
  }
  return { status: 'end', count: shown.length, view };
}

/**
 * Below this probability no reading is accepted in one action (a click, Tab): there the model is
 * more likely wrong than right, and a quick accept would invite mistakes.
 */
export const ACCEPT_MIN_CONFIDENCE = 0.5;

/**
 * The label one action would give the crop: for a likely label error the finder's suggestion (it
 * comes from what the model thought of the crop over its training, not only at the end), else the
 * model's reading where it differs from the label or none was given yet; from even odds only. Not
 * a "more than 5" reading: it holds only five digits, not a whole label.
 */
export function readingOffer(crop: GalleryCrop): string | undefined {
  const prediction = crop.prediction;
  const offer = isLikelyError(crop)
    ? crop.issue && crop.issue.suggestionProbability >= ACCEPT_MIN_CONFIDENCE
      ? crop.issue.suggestion
      : undefined
    : prediction && (isMismatch(crop) || crop.label === '') && prediction.confidence >= ACCEPT_MIN_CONFIDENCE
      ? prediction.text
      : undefined;
  return offer === undefined || offer.startsWith('>') || offer === crop.label ? undefined : offer;
}

/** Why readingOffer has nothing for the crop, in words for the page. */
export function noOfferReason(crop: GalleryCrop): string {
  const prediction = crop.prediction;
  if (!prediction) return 'the model has not read it yet';
  if (isLikelyError(crop)) return "the finder's suggestion is below even odds";
  if (prediction.text.startsWith('>')) return 'the model reads more than five digits, and gives only five';
  if (!isMismatch(crop) && crop.label !== '') return 'the model reads it as labeled';
  return `the model's reading is below even odds (${Math.round(prediction.confidence * 100)}%)`;
}

/** Whether any row is in `files`: a loop, not an array of every row index (the page may hold 250,000). */
function anyInFileSet(table: CropTable, files: ReadonlySet<string>): boolean {
  for (let i = 0; i < table.count; i++) if (table.inFileSet(i, files)) return true;
  return false;
}

/** What the gallery says when it shows no crop. */
export function emptyText(data: { table: CropTable; hasPredictions: boolean }, query: GalleryQuery): string {
  const { table } = data;
  if (table.count === 0) return 'The labels file lists no crops.';
  if (query.files !== undefined && !anyInFileSet(table, query.files)) return 'No crop of this set is in the labels file any more.';
  if (query.length !== 'any' || query.text.trim() !== '') return 'No crop of this filter has that length or text.';
  switch (query.filter) {
    case 'mismatches':
      return data.hasPredictions ? 'No mismatches: every labeled crop is read as labeled.' : 'No predictions yet: train a model first.';
    case 'unlabeled':
      return 'Every crop has a label.';
    case 'lowConfidence':
      return data.hasPredictions
        ? `The model reads every crop with a confidence of ${Math.round(query.lowConfidenceBelow * 100)}% or more.`
        : 'No predictions yet: train a model first.';
    case 'likelyErrors':
      return data.hasPredictions
        ? 'No likely label errors: the model agrees with the labels it was trained on, or they were fixed.'
        : 'No model yet: train one, and it finds the labels that look wrong.';
    case 'all':
      return 'The labels file lists no crops.';
  }
}
