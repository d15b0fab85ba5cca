// Messages between the extension host and the gallery webview. Both sides import these types;
// one discriminated union per direction, nothing crosses untyped.

/** Which crops the gallery shows. */
export type GalleryFilter = 'all' | 'mismatches' | 'unlabeled';

/** Crop order: as in the labels file, or by the model's confidence (crops without one last). */
export type GallerySort = 'file' | 'confidenceDescending' | 'confidenceAscending';

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
  /** The answer to a setLabel: written (the dataset follows), or why not. */
  | { kind: 'labelResult'; file: string; ok: boolean; message?: string };

/** Webview -> host. */
export type GalleryToHostMessage =
  | { kind: 'ready' }
  | { kind: 'revealRow'; line: number }
  | { kind: 'refresh' }
  /** The user typed a new label for the row of `file` (digits, '-' or ''). */
  | { kind: 'setLabel'; file: string; label: string }
  /** The page's CSP refused something: a bug to log, never expected in normal use. */
  | { kind: 'cspViolation'; directive: string; blocked: string };

/** Webview-side guard: messages arrive as `unknown` from window message events. */
export function isHostToGalleryMessage(value: unknown): value is HostToGalleryMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'dataset' || kind === 'error' || kind === 'labelResult';
}

/** Host-side guard for messages posted by the webview. */
export function isGalleryToHostMessage(value: unknown): value is GalleryToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; line?: unknown; file?: unknown; label?: unknown; directive?: unknown; blocked?: unknown };
  if (v.kind === 'ready' || v.kind === 'refresh') return true;
  if (v.kind === 'setLabel') return typeof v.file === 'string' && typeof v.label === 'string';
  if (v.kind === 'cspViolation') return typeof v.directive === 'string' && typeof v.blocked === 'string';
  return v.kind === 'revealRow' && typeof v.line === 'number' && Number.isInteger(v.line) && v.line >= 0;
}
