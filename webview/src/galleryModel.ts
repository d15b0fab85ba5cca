// The gallery's filtering and counting, apart from the DOM so they are easy to read and test.
import type { GalleryCrop, GalleryFilter } from '../../common/webviewProtocol';

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
