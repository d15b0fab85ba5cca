// Messages between the extension host and the inspector webview (what every head of the model sees
// in one crop). Both sides import these types; one discriminated union per direction, each message
// checked by the side that receives it. The page owns what the user chose to look at (targets,
// method, feature maps); the host owns which row is shown and asks the engine.
import { DEFAULT_EXPLAIN_METHOD, type ExplainResult, type PixelBox } from './engineProtocol';
import { arrayOf, checkByKind, isBoolean, isFiniteNumber, isNonNegativeInteger, isPositiveNumber, isRecord, isString, oneOf, optional, shape, type Check } from './guards';
import { HEADS } from './heads';
import {
  isCspViolationMessage,
  isLabelResultMessage,
  isRowRef,
  isSetLabelMessage,
  isStep,
  type CspViolationMessage,
  type LabelResultMessage,
  type RowRef,
  type SetLabelMessage,
  type Step,
} from './webviewProtocol';

/** SmoothGrad's numbers of noisy copies the inspector offers (0, off, is plain gradients). */
export const SMOOTHGRAD_SAMPLES = [8, 16, 32] as const;

/** What the user chose to see; each explain request carries all of it. */
export interface InspectorView {
  /** Per head, in HEADS order: the class whose gradient the mask shows; null = the head's own reading. */
  targets: (number | null)[];
  /** SmoothGrad's noisy copies: 0 (plain gradients) or one of SMOOTHGRAD_SAMPLES. */
  smoothGrad: number;
  /** Gradient x input instead of the gradient alone. */
  gradTimesInput: boolean;
  /** The conv block (1-based) whose feature maps to show; null = none. */
  activationBlock: number | null;
}

export const DEFAULT_INSPECTOR_VIEW: Readonly<InspectorView> = {
  targets: HEADS.map(() => null),
  smoothGrad: DEFAULT_EXPLAIN_METHOD.smoothGrad,
  gradTimesInput: DEFAULT_EXPLAIN_METHOD.gradTimesInput,
  activationBlock: null,
};

/** The row shown, as the labels file has it now. */
export interface InspectorRow extends RowRef {
  /** Digits, '-' (no number) or '' (unlabeled). */
  label: string;
  /** The union box and the per-digit boxes, in image pixels, when the row has them. */
  box?: PixelBox;
  digitBoxes?: PixelBox[];
  /** webview URI of the image; absent when the row's path is unusable (see problem). */
  imageUri?: string;
  problem?: string;
}

/** Where next and previous go from the row shown. */
export interface InspectorPlace {
  /** The gallery's filter and order (the gallery is open), or the labels file's order. */
  navigation: 'gallery' | 'file';
  /** 0-based position of the row in that order, and how many rows it has, when known. */
  position?: number;
  count?: number;
  /** The gallery's filter and order in words, e.g. "Mismatches · Most confident first". */
  view?: string;
}

/** Host -> inspector. */
export type HostToInspectorMessage =
  /** The row to show (a new one, or the same one changed: its label, the file, the model). The page asks for its explanation. */
  | { kind: 'row'; labelsPath: string; row: InspectorRow; place: InspectorPlace }
  /** The row shown is no longer in the labels file (or the file cannot be read): why, in a sentence. */
  | { kind: 'rowGone'; message: string }
  /**
   * The engine's answer to the explain request `requestId`. `refining`: a quick preview (plain
   * gradients) of a SmoothGrad request, whose answer follows under the same requestId.
   */
  | { kind: 'explanation'; requestId: number; result: ExplainResult; refining: boolean }
  /** Why the request `requestId` has no explanation; `noModel`: the dataset has no trained model yet. */
  | { kind: 'explainFailed'; requestId: number; message: string; noModel: boolean }
  /** Something to tell the user in passing, e.g. that there is no next crop. */
  | { kind: 'notice'; message: string }
  | LabelResultMessage;

/** Inspector -> host. */
export type InspectorToHostMessage =
  | { kind: 'ready' }
  /**
   * Explain the row `line`/`file` as `view` says. requestId grows with each request; the page
   * draws only the answer to its latest, and the host drops requests a newer one overtook.
   */
  | { kind: 'explain'; requestId: number; line: number; file: string; view: InspectorView }
  /** Show the next (1) or previous (-1) crop. */
  | { kind: 'step'; step: Step }
  | SetLabelMessage
  /** Show the row in the labels file, in an editor. */
  | { kind: 'revealRow'; line: number }
  /** Run Digit Lens: Train Model on this dataset (offered when there is no model yet). */
  | { kind: 'trainModel' }
  | CspViolationMessage;

/** What the page keeps across reloads (vscode.setState); the host's serializer reads labelsPath and row. */
export interface InspectorState {
  labelsPath?: string;
  row?: RowRef;
  view: InspectorView;
  showBoxes: boolean;
  /** The head (HEADS index) whose mask is also drawn over the large crop; absent = none. */
  overlay?: number;
}

// ---- Boundary checks ----

const isNonNegativeNumber = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;
const isPixelBox = shape<PixelBox>({ left: isNonNegativeNumber, top: isNonNegativeNumber, width: isPositiveNumber, height: isPositiveNumber });

/** A view the engine can serve: one target per head, each null or one of that head's classes. */
export function isInspectorView(v: unknown): v is InspectorView {
  return (
    isRecord(v) &&
    Array.isArray(v.targets) &&
    v.targets.length === HEADS.length &&
    v.targets.every((t, i) => t === null || (isNonNegativeInteger(t) && t < HEADS[i].size)) &&
    (v.smoothGrad === 0 || (SMOOTHGRAD_SAMPLES as readonly unknown[]).includes(v.smoothGrad)) &&
    isBoolean(v.gradTimesInput) &&
    (v.activationBlock === null || (isNonNegativeInteger(v.activationBlock) && v.activationBlock >= 1))
  );
}

const isInspectorRow = shape<InspectorRow>({
  line: isNonNegativeInteger,
  file: isString,
  label: isString,
  box: optional(isPixelBox),
  digitBoxes: optional(arrayOf(isPixelBox)),
  imageUri: optional(isString),
  problem: optional(isString),
});

const isInspectorPlace = shape<InspectorPlace>({
  navigation: oneOf(['gallery', 'file'] as const),
  position: optional(isNonNegativeInteger),
  count: optional(isNonNegativeInteger),
  view: optional(isString),
});

// The engine's result was checked in full where it entered the host (isEngineMessage); the page
// checks what it dispatches and draws on: one head per HEADS entry, each a record.
const isExplanationResult = (v: unknown): v is ExplainResult =>
  isRecord(v) && isString(v.file) && isNonNegativeInteger(v.maskWidth) && isNonNegativeInteger(v.maskHeight) && Array.isArray(v.heads) && v.heads.length === HEADS.length && v.heads.every(isRecord);

const hostToInspectorChecks: { [K in HostToInspectorMessage['kind']]: Check<unknown> } = {
  row: shape<{ labelsPath: string; row: InspectorRow; place: InspectorPlace }>({ labelsPath: isString, row: isInspectorRow, place: isInspectorPlace }),
  rowGone: shape<{ message: string }>({ message: isString }),
  explanation: shape<{ requestId: number; result: ExplainResult; refining: boolean }>({ requestId: isNonNegativeInteger, result: isExplanationResult, refining: isBoolean }),
  explainFailed: shape<{ requestId: number; message: string; noModel: boolean }>({ requestId: isNonNegativeInteger, message: isString, noModel: isBoolean }),
  notice: shape<{ message: string }>({ message: isString }),
  labelResult: isLabelResultMessage,
};

const inspectorToHostChecks: { [K in InspectorToHostMessage['kind']]: Check<unknown> } = {
  ready: isRecord,
  explain: (v: unknown) => isRowRef(v) && shape<{ requestId: number; view: InspectorView }>({ requestId: isNonNegativeInteger, view: isInspectorView })(v),
  step: shape<{ step: Step }>({ step: isStep }),
  setLabel: isSetLabelMessage,
  revealRow: shape<{ line: number }>({ line: isNonNegativeInteger }),
  trainModel: isRecord,
  cspViolation: isCspViolationMessage,
};

/** Page-side guard: messages arrive as `unknown` from window message events. */
export function isHostToInspectorMessage(value: unknown): value is HostToInspectorMessage {
  return checkByKind<HostToInspectorMessage>(hostToInspectorChecks, value);
}

/** Host-side guard for messages posted by the page. */
export function isInspectorToHostMessage(value: unknown): value is InspectorToHostMessage {
  return checkByKind<InspectorToHostMessage>(inspectorToHostChecks, value);
}
