// The gallery's filtering, counting, ordering and offers, apart from the DOM so they are easy to
// read and test.
import {
  GALLERY_FILTERS,
  GALLERY_LENGTHS,
  LIKELY_ERROR,
  type GalleryCrop,
  type GalleryDataset,
  type GalleryFilter,
  type GalleryLength,
  type GalleryNeighbour,
  type GallerySort,
  type RowRef,
  type Step,
} from '../../common/webviewProtocol';

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

function inFileSet(crop: GalleryCrop, files: ReadonlySet<string> | undefined): boolean {
  return files === undefined || files.has(crop.file);
}

export function isLikelyError(crop: GalleryCrop): boolean {
  return crop.issue !== undefined && crop.issue.score >= LIKELY_ERROR;
}

export function isMismatch(crop: GalleryCrop): boolean {
  return crop.prediction !== undefined && !crop.prediction.matchesLabel;
}

/** Read with a confidence below `below`; a crop without a reading is not "low confidence", it is unread. */
export function isLowConfidence(crop: GalleryCrop, below: number): boolean {
  return crop.prediction !== undefined && crop.prediction.confidence < below;
}

/**
 * How many digits the crop holds, as the length filter counts them: its label's, or while it is
 * unlabeled the model's reading's; undefined when it has neither.
 */
export function cropLength(crop: GalleryCrop): Exclude<GalleryLength, 'any'> | undefined {
  if (crop.label === '') {
    const length = crop.prediction?.length;
    if (length === undefined) return undefined;
    return length === '>5' || length > 5 ? '>5' : (String(length) as Exclude<GalleryLength, 'any' | '>5'>);
  }
  if (crop.label === '-') return '0';
  return crop.label.length > 5 ? '>5' : (String(crop.label.length) as Exclude<GalleryLength, 'any' | '>5'>);
}

/** Whether `crop` belongs under `filter` (length and text aside). */
export function inFilter(crop: GalleryCrop, filter: GalleryFilter, lowConfidenceBelow: number): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'unlabeled':
      return crop.label === '';
    case 'mismatches':
      return isMismatch(crop);
    case 'lowConfidence':
      return isLowConfidence(crop, lowConfidenceBelow);
    case 'likelyErrors':
      return isLikelyError(crop);
  }
}

/** The text filter as matched: lower case, without the spaces around it. */
export function textNeedle(text: string): string {
  return text.trim().toLowerCase();
}

/** Whether the crop's label or file name contains `needle` (from textNeedle). */
export function containsText(crop: GalleryCrop, needle: string): boolean {
  return needle === '' || crop.label.includes(needle) || crop.file.toLowerCase().includes(needle);
}

function inLength(crop: GalleryCrop, length: GalleryLength): boolean {
  return length === 'any' || cropLength(crop) === length;
}

/** Whether the gallery shows `crop` under `query`. */
export function showsCrop(crop: GalleryCrop, query: GalleryQuery, needle = textNeedle(query.text)): boolean {
  return inFilter(crop, query.filter, query.lowConfidenceBelow) && inLength(crop, query.length) && containsText(crop, needle) && inFileSet(crop, query.files);
}

export function filterCrops(crops: readonly GalleryCrop[], query: GalleryQuery): GalleryCrop[] {
  const needle = textNeedle(query.text);
  return crops.filter((c) => showsCrop(c, query, needle));
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

export function countCrops(crops: readonly GalleryCrop[], query: GalleryQuery): FilterCounts {
  const filters = Object.fromEntries(GALLERY_FILTERS.map((f) => [f, 0])) as Record<GalleryFilter, number>;
  const lengths = Object.fromEntries(GALLERY_LENGTHS.map((l) => [l, 0])) as Record<GalleryLength, number>;
  const needle = textNeedle(query.text);
  for (const crop of crops) {
    if (!containsText(crop, needle) || !inFileSet(crop, query.files)) continue;
    if (inLength(crop, query.length)) {
      for (const filter of GALLERY_FILTERS) if (inFilter(crop, filter, query.lowConfidenceBelow)) filters[filter]++;
    }
    if (inFilter(crop, query.filter, query.lowConfidenceBelow)) {
      lengths.any++;
      const length = cropLength(crop);
      if (length !== undefined) lengths[length]++;
    }
  }
  return { filters, lengths };
}

export function summarize(crops: readonly GalleryCrop[]): { total: number; mismatches: number; unlabeled: number; likelyErrors: number } {
  let mismatches = 0;
  let unlabeled = 0;
  let likelyErrors = 0;
  for (const c of crops) {
    if (isMismatch(c)) mismatches++;
    if (c.label === '') unlabeled++;
    if (isLikelyError(c)) likelyErrors++;
  }
  return { total: crops.length, mismatches, unlabeled, likelyErrors };
}

// The labels format's own rule (common/labels.ts re-exports it), from its Node-free module.
export { isValidLabel } from '../../common/labelSyntax';

/**
 * Orders crops for review. Most confident first puts the model's confident disagreements, the
 * likeliest label mistakes, at the top of the mismatches; least confident first shows what the
 * model finds hard. Ties and crops without a prediction keep file order.
 */
export function sortCrops(crops: GalleryCrop[], sort: GallerySort): GalleryCrop[] {
  if (sort === 'file') return crops;
  // Likeliest label errors first: the finder's score (crops it cannot score last).
  const key = sort === 'errorScore' ? (c: GalleryCrop) => c.issue?.score : (c: GalleryCrop) => c.prediction?.confidence;
  const sign = sort === 'confidenceAscending' ? 1 : -1;
  return crops
    .map((crop, index) => ({ crop, index }))
    .sort((a, b) => {
      const ca = key(a.crop);
      const cb = key(b.crop);
      if (ca === undefined || cb === undefined) return (ca === undefined ? 1 : 0) - (cb === undefined ? 1 : 0) || a.index - b.index;
      return sign * (ca - cb) || a.index - b.index;
    })
    .map((x) => x.crop);
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
export function neighbourCrop(crops: readonly GalleryCrop[], query: GalleryQuery, sort: GallerySort, from: RowRef, step: Step): GalleryNeighbour {
  const order = sortCrops([...crops], sort);
  const at = order.findIndex((c) => c.line === from.line && c.file === from.file);
  if (at < 0) return { status: 'unknown' };
  const shown = sortCrops(filterCrops(crops, query), sort);
  const view = viewTitle(query, sort);
  const needle = textNeedle(query.text);
  for (let i = at + step; i >= 0 && i < order.length; i += step) {
    const crop = order[i];
    if (showsCrop(crop, query, needle)) return { status: 'found', line: crop.line, file: crop.file, position: shown.indexOf(crop), count: shown.length, view };
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

/** What the gallery says when it shows no crop. */
export function emptyText(data: Pick<GalleryDataset, 'crops' | 'hasPredictions'>, query: GalleryQuery): string {
  if (data.crops.length === 0) return 'The labels file lists no crops.';
  if (query.files !== undefined && !data.crops.some((c) => query.files?.has(c.file))) return 'No crop of this set is in the labels file any more.';
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
