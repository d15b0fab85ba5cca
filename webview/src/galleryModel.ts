// The gallery's filtering and counting, apart from the DOM so they are easy to read and test.
import { LIKELY_ERROR, type GalleryCrop, type GalleryFilter, type GalleryNeighbour, type GallerySort, type RowRef, type Step } from '../../common/webviewProtocol';

export const FILTER_TITLES: Record<GalleryFilter, string> = { all: 'All', mismatches: 'Mismatches', unlabeled: 'Unlabeled', likelyErrors: 'Likely label errors' };
export const SORT_TITLES: Record<GallerySort, string> = {
  file: 'File order',
  confidenceDescending: 'Most confident first',
  confidenceAscending: 'Least confident first',
  errorScore: 'Likeliest label errors first',
};

export function isLikelyError(crop: GalleryCrop): boolean {
  return crop.issue !== undefined && crop.issue.score >= LIKELY_ERROR;
}

export function isMismatch(crop: GalleryCrop): boolean {
  return crop.prediction !== undefined && !crop.prediction.matchesLabel;
}

/** Whether the gallery shows `crop` under `filter`. */
export function showsCrop(crop: GalleryCrop, filter: GalleryFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'mismatches':
      return isMismatch(crop);
    case 'unlabeled':
      return crop.label === '';
    case 'likelyErrors':
      return isLikelyError(crop);
  }
}

export function filterCrops(crops: readonly GalleryCrop[], filter: GalleryFilter): GalleryCrop[] {
  return crops.filter((c) => showsCrop(c, filter));
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

/**
 * The crop after (step 1) or before (step -1) the row `from`, among those the gallery shows, in its
 * order: what the inspector's next and previous show. The row itself need not be shown any more
 * (a mismatch just fixed has left the Mismatches): its place in the order of all crops says where
 * its neighbours are. `unknown` when no crop is that row (the file changed since this data).
 */
export function neighbourCrop(crops: readonly GalleryCrop[], filter: GalleryFilter, sort: GallerySort, from: RowRef, step: Step): GalleryNeighbour {
  const order = sortCrops([...crops], sort);
  const at = order.findIndex((c) => c.line === from.line && c.file === from.file);
  if (at < 0) return { status: 'unknown' };
  const shown = sortCrops(filterCrops(crops, filter), sort);
  const view = `${FILTER_TITLES[filter]} · ${SORT_TITLES[sort]}`;
  for (let i = at + step; i >= 0 && i < order.length; i += step) {
    const crop = order[i];
    if (showsCrop(crop, filter)) return { status: 'found', line: crop.line, file: crop.file, position: shown.indexOf(crop), count: shown.length, view };
  }
  return { status: 'end', count: shown.length, view };
}
