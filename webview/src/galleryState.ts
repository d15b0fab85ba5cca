// What the gallery page keeps across reloads and hidden tabs (vscode.getState/setState): read back
// with every field checked, since it returns as plain data, possibly saved by an older version.
import {
  DEFAULT_LOW_CONFIDENCE,
  GALLERY_FILTERS,
  GALLERY_SORTS,
  isGalleryFilter,
  isGalleryLength,
  isGalleryFileSet,
  isGallerySort,
  isRowRef,
  type GalleryFileSet,
  type GalleryState,
  type RowRef,
} from '../../common/webviewProtocol';
import type { GalleryQuery } from './galleryModel';

/** The state with every field the page uses present (GalleryState leaves the later ones optional). */
export type PageState = Required<Omit<GalleryState, 'labelsPath' | 'selected' | 'fileSet'>> & { labelsPath?: string; selected?: RowRef; fileSet?: GalleryFileSet };

/** The low-confidence threshold as the page offers it: whole percents from 1 to 99. */
export function clampThreshold(value: number): number {
  return Math.min(0.99, Math.max(0.01, Math.round(value * 100) / 100));
}

export function readState(saved: unknown): PageState {
  const s = (typeof saved === 'object' && saved !== null ? saved : {}) as Partial<Record<keyof GalleryState, unknown>>;
  return {
    labelsPath: typeof s.labelsPath === 'string' ? s.labelsPath : undefined,
    filter: isGalleryFilter(s.filter) ? s.filter : GALLERY_FILTERS[0],
    sort: isGallerySort(s.sort) ? s.sort : GALLERY_SORTS[0],
    length: isGalleryLength(s.length) ? s.length : 'any',
    text: typeof s.text === 'string' ? s.text : '',
    lowConfidenceBelow: typeof s.lowConfidenceBelow === 'number' && Number.isFinite(s.lowConfidenceBelow) ? clampThreshold(s.lowConfidenceBelow) : DEFAULT_LOW_CONFIDENCE,
    scrollTop: typeof s.scrollTop === 'number' && Number.isFinite(s.scrollTop) && s.scrollTop >= 0 ? s.scrollTop : 0,
    selected: isRowRef(s.selected) ? { line: s.selected.line, file: s.selected.file } : undefined,
    // Checked item by item where it is used (labelHistory.ts).
    history: Array.isArray(s.history) ? (s.history as PageState['history']) : [],
    ...(isGalleryFileSet(s.fileSet) ? { fileSet: { title: s.fileSet.title, files: s.fileSet.files } } : {}),
  };
}

export function queryOf(state: PageState): GalleryQuery {
  const query: GalleryQuery = { filter: state.filter, length: state.length, text: state.text, lowConfidenceBelow: state.lowConfidenceBelow };
  if (state.fileSet) query.files = new Set(state.fileSet.files);
  return query;
}
