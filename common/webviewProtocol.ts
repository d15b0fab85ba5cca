// Messages between the extension host and the gallery webview. Both sides import these types;
// one discriminated union per direction, nothing crosses untyped.

import { isBoolean, isNonNegativeInteger, isRecord, isString, oneOf, optional, shape, type Check } from './guards';

/** Which crops the gallery shows; the first is the default. */
export const GALLERY_FILTERS = ['all', 'mismatches', 'unlabeled'] as const;
export type GalleryFilter = (typeof GALLERY_FILTERS)[number];
export const isGalleryFilter = oneOf(GALLERY_FILTERS);

/** Crop order: as in the labels file, or by the model's confidence (crops without one last); the first is the default. */
export const GALLERY_SORTS = ['file', 'confidenceDescending', 'confidenceAscending'] as const;
export type GallerySort = (typeof GALLERY_SORTS)[number];
export const isGallerySort = oneOf(GALLERY_SORTS);

export interface GalleryPrediction {
  /** As in predictions.csv: digits, '-' for no number, '>5:' + first five digits for "more than 5". */
  text: string;
  /** Predicted length: 0..5, or '>5'. */
  length: number | '>5';
  /** 0..1 */
  confidence: number;
  /** False when a labeled crop's prediction differs from its current label. */
  matchesLabel: boolean;
}

export interface GalleryCrop {
  /** The path as written in the labels file. */
  file: string;
  /** 0-based line of the row in the labels file. */
  line: number;
  /** Current label: digits, '-' (no number) or '' (unlabeled). */
  label: string;
  /** webview URI of the image; absent when the row's path is unusable (see problem). */
  imageUri?: string;
  problem?: string;
  prediction?: GalleryPrediction;
}

export interface GalleryDataset {
  labelsPath: string;
  /** Shown in the header, e.g. the dataset folder's name. */
  title: string;
  crops: GalleryCrop[];
  /** True once .digitlens/predictions.csv was read. */
  hasPredictions: boolean;
  /** Why labels or predictions could not be (fully) read, for a banner. */
  warnings: string[];
}

/** What the webview keeps across reloads (vscode.setState); the host's serializer reads labelsPath. */
export interface GalleryState {
  labelsPath?: string;
  filter: GalleryFilter;
  /** Absent in states saved before sorting existed. */
  sort?: GallerySort;
  scrollTop: number;
}

/** Host -> webview. */
export type HostToGalleryMessage =
  | { kind: 'dataset'; dataset: GalleryDataset }
  | { kind: 'error'; message: string }
  /**
   * The answer to a setLabel, naming its row as the setLabel did: done (the dataset follows), or
   * why nothing was written (the webview puts the old label back; a fresh dataset follows).
   */
  | { kind: 'labelResult'; line: number; file: string; ok: boolean; message?: string };

/** Webview -> host. */
export type GalleryToHostMessage =
  | { kind: 'ready' }
  | { kind: 'revealRow'; line: number }
  | { kind: 'refresh' }
  /**
   * The user set a new label (digits, '-' or '') on one row, named as the gallery got it: its
   * 0-based `line`, its `file` field exactly as written (two spellings of one image are two
   * rows), and the label it showed, `expected`. The host edits that row only if it is still so.
   */
  | { kind: 'setLabel'; line: number; file: string; expected: string; label: string }
  /** The page's CSP refused something: a bug to log, never expected in normal use. */
  | { kind: 'cspViolation'; directive: string; blocked: string };

const hostToGalleryChecks: { [K in HostToGalleryMessage['kind']]: Check<unknown> } = {
  // The dataset comes from the host that made the page; its kind is what the page dispatches on.
  dataset: shape<{ dataset: unknown }>({ dataset: isRecord }),
  error: shape<{ message: string }>({ message: isString }),
  labelResult: shape<{ line: number; file: string; ok: boolean; message: string | undefined }>({
    line: isNonNegativeInteger,
    file: isString,
    ok: isBoolean,
    message: optional(isString),
  }),
};

const galleryToHostChecks: { [K in GalleryToHostMessage['kind']]: Check<unknown> } = {
  ready: isRecord,
  refresh: isRecord,
  revealRow: shape<{ line: number }>({ line: isNonNegativeInteger }),
  setLabel: shape<{ line: number; file: string; expected: string; label: string }>({
    line: isNonNegativeInteger,
    file: isString,
    expected: isString,
    label: isString,
  }),
  cspViolation: shape<{ directive: string; blocked: string }>({ directive: isString, blocked: isString }),
};

function checkByKind<M extends { kind: string }>(checks: Record<M['kind'], Check<unknown>>, value: unknown): value is M {
  if (!isRecord(value) || typeof value.kind !== 'string' || !Object.hasOwn(checks, value.kind)) return false;
  return checks[value.kind as M['kind']](value);
}

/** Webview-side guard: messages arrive as `unknown` from window message events. */
export function isHostToGalleryMessage(value: unknown): value is HostToGalleryMessage {
  return checkByKind<HostToGalleryMessage>(hostToGalleryChecks, value);
}

/** Host-side guard for messages posted by the webview. */
export function isGalleryToHostMessage(value: unknown): value is GalleryToHostMessage {
  return checkByKind<GalleryToHostMessage>(galleryToHostChecks, value);
}
