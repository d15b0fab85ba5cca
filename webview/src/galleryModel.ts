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

/**
 * common/labels.ts's isValidLabel, restated: that module pulls in node:path, which a browser
 * bundle cannot resolve. galleryModel.test.ts checks the two agree.
 */
export function isValidLabel(label: string): boolean {
  return /^(?:[0-9]+|-)?$/.test(label);
}
