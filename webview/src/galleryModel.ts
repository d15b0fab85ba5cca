// The gallery's filtering and counting, apart from the DOM so they are easy to read and test.
import type { GalleryCrop, GalleryFilter, GallerySort } from '../../common/webviewProtocol';

export function isMismatch(crop: GalleryCrop): boolean {
  return crop.prediction !== undefined && !crop.prediction.matchesLabel;
}

export function filterCrops(crops: readonly GalleryCrop[], filter: GalleryFilter): GalleryCrop[] {
  switch (filter) {
    case 'all':
      return [...crops];
    case 'mismatches':
      return crops.filter(isMismatch);
    case 'unlabeled':
      return crops.filter((c) => c.label === '');
  }
}

export function summarize(crops: readonly GalleryCrop[]): { total: number; mismatches: number; unlabeled: number } {
  let mismatches = 0;
  let unlabeled = 0;
  for (const c of crops) {
    if (isMismatch(c)) mismatches++;
    if (c.label === '') unlabeled++;
  }
  return { total: crops.length, mismatches, unlabeled };
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
  const sign = sort === 'confidenceDescending' ? -1 : 1;
  return crops
    .map((crop, index) => ({ crop, index }))
    .sort((a, b) => {
      const ca = a.crop.prediction?.confidence;
      const cb = b.crop.prediction?.confidence;
      if (ca === undefined || cb === undefined) return (ca === undefined ? 1 : 0) - (cb === undefined ? 1 : 0) || a.index - b.index;
      return sign * (ca - cb) || a.index - b.index;
    })
    .map((x) => x.crop);
}
