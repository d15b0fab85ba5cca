// Messages between the extension host and the gallery webview. Both sides import these types;
// one discriminated union per direction, nothing crosses untyped.

import type { GalleryColumns } from './galleryColumns';
import { arrayOf, checkByKind, isBoolean, isNonNegativeInteger, isPositiveNumber, isRecord, isString, oneOf, optional, shape, type Check } from './guards';

/**
 * Which crops the gallery shows; the first is the default. `lowConfidence`: read with a confidence
 * below the gallery's threshold (GalleryState.lowConfidenceBelow).
 */
export const GALLERY_FILTERS = ['all', 'unlabeled', 'mismatches', 'lowConfidence', 'likelyErrors'] as const;
export type GalleryFilter = (typeof GALLERY_FILTERS)[number];
export const isGalleryFilter = oneOf(GALLERY_FILTERS);

/**
 * Only crops of one length, on top of the filter: the label's number of digits ('0' for '-', '>5'
 * for six or more), or the model's reading's while the crop is unlabeled. The first is the default.
 */
export const GALLERY_LENGTHS = ['any', '0', '1', '2', '3', '4', '5', '>5'] as const;
export type GalleryLength = (typeof GALLERY_LENGTHS)[number];
export const isGalleryLength = oneOf(GALLERY_LENGTHS);

/** The "low confidence" threshold a new gallery starts with: below even odds, the reading is more likely wrong than right. */
export const DEFAULT_LOW_CONFIDENCE = 0.5;

/** Crop order: as in the labels file, or by the model's confidence (crops without one last); the first is the default. */
export const GALLERY_SORTS = ['file', 'confidenceDescending', 'confidenceAscending', 'errorScore'] as const;
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
  /** Why the row's image cannot be shown (its path is unusable); its thumbnail comes apart (ThumbnailsMessage). */
  problem?: string;
  prediction?: GalleryPrediction;
  /** How likely the label is wrong, from the last training run's evidence (common/labelEvidence.ts). */
  issue?: GalleryIssue;
}

export interface GalleryIssue {
  /** 0..1; a crop at or above LIKELY_ERROR is shown under "likely label errors". */
  score: number;
  /** The likeliest other reading (predictions.csv form). */
  suggestion: string;
  /** How likely the suggestion is, 0..1 (the gallery offers it in one click only from even odds). */
  suggestionProbability: number;
  /** 'L' (the length) or the first digit head that disagrees ('S1'..'S5'). */
  position: string;
}

/** The gallery's "likely label errors": the model reads another label at least this likely as this one (odds 1 to 1). */
export const LIKELY_ERROR = 0.5;

export interface GalleryDataset {
  labelsPath: string;
  /** Shown in the header, e.g. the dataset folder's name. */
  title: string;
  /** Every row, as columns (galleryColumns.ts): not one object per crop, for datasets of 250,000. */
  columns: GalleryColumns;
  /** True once .digitlens/predictions.csv was read. */
  hasPredictions: boolean;
  /** True when the model has label-error evidence (crops then carry `issue`). */
  hasIssues?: boolean;
  /** Which model made the readings, when known: "the shipped model (...)" or "the model trained here (...)". */
  readingsBy?: string;
  /** Why labels or predictions could not be (fully) read, for a banner. */
  warnings: string[];
  /** Only the file's first rows, sent first so the page paints at once; the whole dataset follows. */
  partial?: true;
}

/**
 * A named set of crops the gallery shows alone (the crops behind a cell of the training
 * dashboard's confusion matrix), by their file fields as the labels file writes them.
 */
export interface GalleryFileSet {
  /** Names the set on the gallery's chip, e.g. "S2: label 7, read 1 (run 14:03)". */
  title: string;
  files: string[];
}

export const isGalleryFileSet = shape<GalleryFileSet>({ title: isString, files: arrayOf(isString) });

/** One row of the labels file, as the webviews name it: its 0-based line and its file field exactly as written. */
export interface RowRef {
  line: number;
  file: string;
}

/** One step through the crops: to the next (1) or the previous (-1). */
export type Step = 1 | -1;
export const isStep = (v: unknown): v is Step => v === 1 || v === -1;

/**
 * The gallery's answer to "which crop comes after this one?", in its current filter and order
 * (the gallery owns both; the inspector steps through them). `unknown`: the gallery has no data
 * yet, or the row is not among its crops; the host then steps in the labels file's order.
 */
export type GalleryNeighbour =
  | { status: 'found'; line: number; file: string; /** 0-based, among the crops shown. */ position: number; count: number; view: string }
  | { status: 'end'; count: number; view: string }
  | { status: 'unknown' };

/**
 * What the webview keeps across reloads and while its tab is hidden (vscode.setState); the host's
 * serializer reads labelsPath. Fields added after the first release are optional: an older state
 * restores with their defaults.
 */
export interface GalleryState {
  labelsPath?: string;
  filter: GalleryFilter;
  sort?: GallerySort;
  length?: GalleryLength;
  /** Only crops whose label or file name contains this, ignoring case; '' = all. */
  text?: string;
  /** The "low confidence" filter shows crops read with a confidence below this (0..1). */
  lowConfidenceBelow?: number;
  /** Only the crops of this set (on top of the other choices), until its chip is cleared. */
  fileSet?: GalleryFileSet;
  scrollTop: number;
  /** The crop selected last: selected again when the page comes back, if it is still shown. */
  selected?: RowRef;
  /** The gallery's own label changes, oldest first, that Ctrl+Z can still undo (webview/src/labelHistory.ts). */
  history?: LabelChange[][];
}

/** One row's label as a gallery change set it: from `before` to `after`. */
export interface LabelChange {
  line: number;
  file: string;
  before: string;
  after: string;
}

export const isLabelChange = shape<LabelChange>({ line: isNonNegativeInteger, file: isString, before: isString, after: isString });

/**
 * A webview (the gallery, the inspector) set a new label (digits, '-' or '') on one row, named as
 * it got the row: its 0-based `line`, its `file` field exactly as written (two spellings of one
 * image are two rows), and the label it showed, `expected`. The host edits that row only if it is
 * still so (host/labelEditing.ts: one edit path for both pages).
 */
export interface SetLabelMessage {
  kind: 'setLabel';
  line: number;
  file: string;
  expected: string;
  label: string;
}

/**
 * The answer to a setLabel, naming its row as the setLabel did: done (new data follows), or why
 * nothing was written (the webview puts the old label back; fresh data follows).
 */
export interface LabelResultMessage {
  kind: 'labelResult';
  line: number;
  file: string;
  ok: boolean;
  message?: string;
}

export const isSetLabelMessage = shape<SetLabelMessage>({
  kind: oneOf(['setLabel'] as const),
  line: isNonNegativeInteger,
  file: isString,
  expected: isString,
  label: isString,
});

export const isLabelResultMessage = shape<LabelResultMessage>({
  kind: oneOf(['labelResult'] as const),
  line: isNonNegativeInteger,
  file: isString,
  ok: isBoolean,
  message: optional(isString),
});

/** The page's CSP refused something: a bug to log, never expected in normal use. */
export interface CspViolationMessage {
  kind: 'cspViolation';
  directive: string;
  blocked: string;
}

/** One row's new label in a SetLabelsMessage: as SetLabelMessage names one row and checks its label. */
export interface RowLabelChange {
  line: number;
  file: string;
  expected: string;
  label: string;
}

/**
 * Several rows' labels set as one change: written all together or not at all (one row not as the
 * gallery showed it refuses the change), and one step of undo in an editor. `reason` says what the
 * change is for the log and the answer: the model's readings accepted for a selection, or the
 * undo of an earlier change of the gallery (its labels back, expecting what that change set).
 */
export interface SetLabelsMessage {
  kind: 'setLabels';
  /** Chosen by the page; its answer carries it back. */
  editId: number;
  reason: 'acceptReadings' | 'undo';
  /** Distinct rows, at least one. */
  edits: RowLabelChange[];
}

/** The answer to a setLabels: done (new data follows), or why nothing of it was written. */
export interface LabelsResultMessage {
  kind: 'labelsResult';
  editId: number;
  ok: boolean;
  message?: string;
}

const isRowLabelChange = shape<RowLabelChange>({ line: isNonNegativeInteger, file: isString, expected: isString, label: isString });

export const isSetLabelsMessage = shape<SetLabelsMessage>({
  kind: oneOf(['setLabels'] as const),
  editId: isNonNegativeInteger,
  reason: oneOf(['acceptReadings', 'undo'] as const),
  edits: (v: unknown): v is RowLabelChange[] => arrayOf(isRowLabelChange)(v) && v.length > 0,
});

export const isLabelsResultMessage = shape<LabelsResultMessage>({
  kind: oneOf(['labelsResult'] as const),
  editId: isNonNegativeInteger,
  ok: isBoolean,
  message: optional(isString),
});

export const isCspViolationMessage = shape<CspViolationMessage>({ kind: oneOf(['cspViolation'] as const), directive: isString, blocked: isString });

/**
 * The page asks for the thumbnails of the rows it shows (cells that came into view); never for all
 * the rows, so the page holds only the images of what is in view.
 */
export interface ThumbnailsRequest {
  kind: 'thumbnails';
  rows: RowRef[];
}

/**
 * Where a row's thumbnail comes from: its crop from the preprocessing cache (`at`: the crop's
 * place in ThumbnailsMessage.pixels), else its image file (`imageUri`, a webview URI: the cache
 * has no crop of the image as it is now), or nothing (`problem`: why).
 */
export interface Thumbnail {
  line: number;
  file: string;
  at?: number;
  /**
   * Width over height of the part of the image the crop shows (from the row's box: the cache
   * squeezes every crop square), so the page draws it unsqueezed; absent = square.
   */
  aspect?: number;
  imageUri?: string;
  problem?: string;
}

/** The answer to a ThumbnailsRequest: crops of size x size RGB pixels, one after another in `pixels`. */
export interface ThumbnailsMessage {
  kind: 'thumbnails';
  size: number;
  items: Thumbnail[];
  pixels: Uint8Array;
}

const isThumbnail = shape<Thumbnail>({
  line: isNonNegativeInteger, file: isString, at: optional(isNonNegativeInteger), aspect: optional(isPositiveNumber), imageUri: optional(isString), problem: optional(isString),
});

/** Host -> webview. */
export type HostToGalleryMessage =
  | { kind: 'dataset'; dataset: GalleryDataset }
  | { kind: 'error'; message: string }
  | LabelResultMessage
  | LabelsResultMessage
  /** The inspector's question about its current row; the gallery answers with a `neighbour` of the same requestId. */
  | { kind: 'neighbourRequest'; requestId: number; line: number; file: string; step: Step }
  /** The row the inspector shows now: the gallery marks its cell and scrolls it into view. */
  | { kind: 'inspecting'; line: number; file: string }
  /** Show exactly these crops (the other choices back to all): a confusion cell of the dashboard. */
  | { kind: 'showFiles'; set: GalleryFileSet }
  | ThumbnailsMessage;

/** Webview -> host. */
export type GalleryToHostMessage =
  | { kind: 'ready' }
  | { kind: 'revealRow'; line: number }
  /** Open the inspector on this row (a click on the crop's image, Enter on its cell). */
  | { kind: 'inspectRow'; line: number; file: string }
  | { kind: 'neighbour'; requestId: number; answer: GalleryNeighbour }
  | { kind: 'refresh' }
  | ThumbnailsRequest
  | SetLabelMessage
  | SetLabelsMessage
  | CspViolationMessage;

export const isRowRef = shape<RowRef>({ line: isNonNegativeInteger, file: isString });

function isGalleryNeighbour(v: unknown): v is GalleryNeighbour {
  if (!isRecord(v)) return false;
  switch (v.status) {
    case 'found':
      return isRowRef(v) && isNonNegativeInteger(v.position) && isNonNegativeInteger(v.count) && v.position < v.count && isString(v.view);
    case 'end':
      return isNonNegativeInteger(v.count) && isString(v.view);
    case 'unknown':
      return true;
    default:
      return false;
  }
}

const hostToGalleryChecks: { [K in HostToGalleryMessage['kind']]: Check<unknown> } = {
  // The dataset comes from the host that made the page; its kind is what the page dispatches on.
  dataset: shape<{ dataset: unknown }>({ dataset: isRecord }),
  error: shape<{ message: string }>({ message: isString }),
  labelResult: isLabelResultMessage,
  labelsResult: isLabelsResultMessage,
  neighbourRequest: shape<{ requestId: number; line: number; file: string; step: Step }>({
    requestId: isNonNegativeInteger,
    line: isNonNegativeInteger,
    file: isString,
    step: isStep,
  }),
  inspecting: isRowRef,
  showFiles: shape<{ set: GalleryFileSet }>({ set: isGalleryFileSet }),
  thumbnails: (v: unknown): v is ThumbnailsMessage =>
    shape<{ size: number; items: Thumbnail[] }>({ size: isNonNegativeInteger, items: arrayOf(isThumbnail) })(v) && (v as { pixels?: unknown }).pixels instanceof Uint8Array,
};

const galleryToHostChecks: { [K in GalleryToHostMessage['kind']]: Check<unknown> } = {
  ready: isRecord,
  refresh: isRecord,
  revealRow: shape<{ line: number }>({ line: isNonNegativeInteger }),
  inspectRow: isRowRef,
  neighbour: shape<{ requestId: number; answer: GalleryNeighbour }>({ requestId: isNonNegativeInteger, answer: isGalleryNeighbour }),
  thumbnails: shape<{ rows: RowRef[] }>({ rows: arrayOf(isRowRef) }),
  setLabel: isSetLabelMessage,
  setLabels: isSetLabelsMessage,
  cspViolation: isCspViolationMessage,
};

/** Webview-side guard: messages arrive as `unknown` from window message events. */
export function isHostToGalleryMessage(value: unknown): value is HostToGalleryMessage {
  return checkByKind<HostToGalleryMessage>(hostToGalleryChecks, value);
}

/** Host-side guard for messages posted by the webview. */
export function isGalleryToHostMessage(value: unknown): value is GalleryToHostMessage {
  return checkByKind<GalleryToHostMessage>(galleryToHostChecks, value);
}
