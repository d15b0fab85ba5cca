// The inspector webview: what every head of the model sees in one crop. The crop large, with its
// boxes; six bar charts (the heads' softmax: the reading and the label's class marked; a click
// chooses the class whose mask to show); six gradient masks over the crop in viridis; SmoothGrad,
// gradient x input and one conv block's feature maps on request; next/previous in the gallery's
// order; the row's label editable. Runs in the browser (bundled to dist/inspector.js); talks to the
// host only through common/inspectorProtocol.ts. The engine computes; this page asks and draws,
// only the answer to its latest request, updating the same elements in place.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import type { ExplainResult } from '../../../common/engineProtocol';
import { HEADS } from '../../../common/heads';
import {
  DEFAULT_INSPECTOR_VIEW,
  SMOOTHGRAD_SAMPLES,
  isHostToInspectorMessage,
  isInspectorView,
  type InspectorPlace,
  type InspectorRow,
  type InspectorState,
  type InspectorToHostMessage,
  type InspectorView,
} from '../../../common/inspectorProtocol';
import { isValidLabel } from '../../../common/labelSyntax';
import { predictionMatchesLabel } from '../../../common/sequence';
import type { RowRef, Step } from '../../../common/webviewProtocol';
import { CropView } from './cropView';
import { showFeatureMaps } from './featureMaps';
import { viewRegion } from './geometry';
import { HeadCard } from './headCard';
import { LatestRequest, chooseTarget, maskCaption, percent, targetOf } from './inspectorModel';
import { scaleRgba } from './maskImage';

interface VsCodeApi {
  postMessage(message: InspectorToHostMessage): void;
  getState(): unknown;
  setState(state: InspectorState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing());

const DEFAULT_SMOOTHGRAD = 16;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<InspectorState> | undefined;
let state: InspectorState = {
  labelsPath: saved?.labelsPath,
  row: saved?.row,
  view: isInspectorView(saved?.view) ? saved.view : { ...DEFAULT_INSPECTOR_VIEW, targets: [...DEFAULT_INSPECTOR_VIEW.targets] },
  showBoxes: saved?.showBoxes ?? true,
  overlay: typeof saved?.overlay === 'number' && saved.overlay >= 0 && saved.overlay < HEADS.length ? saved.overlay : undefined,
};
/** SmoothGrad's copies when it is switched on: the last number chosen. */
let smoothGradSamples = state.view.smoothGrad || DEFAULT_SMOOTHGRAD;

/** The row shown, as the host last sent it. */
let row: InspectorRow | undefined;
let labelsName = 'the labels file';
/** The explanation drawn, and the row it is of (the page may have moved on meanwhile). */
let explanation: ExplainResult | undefined;
let explained: RowRef | undefined;
/** The crop's image, once loaded, and the one loading. */
let image: HTMLImageElement | undefined;
let loading: HTMLImageElement | undefined;
const requests = new LatestRequest();

const app = document.getElementById('app') ?? document.body;
app.innerHTML = `
  <header class="toolbar">
    <div class="nav" role="group" aria-label="Crops">
      <vscode-button id="prev" appearance="secondary" title="Previous crop (k or Alt+Left)" aria-label="Previous crop">&#x2039; Prev</vscode-button>
      <vscode-button id="next" appearance="secondary" title="Next crop (j or Alt+Right)" aria-label="Next crop">Next &#x203a;</vscode-button>
    </div>
    <div class="where">
      <h1 id="file">No crop yet</h1>
      <button id="reveal" class="link" type="button" hidden></button>
      <span id="place" class="place"></span>
    </div>
    <div id="busy" class="busy" hidden><vscode-progress-ring></vscode-progress-ring><span>computing…</span></div>
    <span id="status" class="visually-hidden" role="status" aria-live="polite"></span>
  </header>
  <div id="notice" class="notice" role="status" aria-live="polite" hidden></div>
  <div id="error" class="error" role="alert" hidden>
    <span id="error-text"></span>
    <vscode-button id="train" hidden>Train Model</vscode-button>
  </div>
  <main id="main">
    <section class="overview" aria-label="The crop">
      <div class="crop-column">
        <div id="crop-slot"></div>
        <p id="overlay-caption" class="help overlay-caption">Click a head's mask below to see it here, large.</p>
      </div>
      <div class="facts">
        <div class="reading-row">
          <span class="fact-name">Reads</span>
          <span id="reading" class="reading">–</span>
          <span id="confidence" class="confidence"></span>
          <span id="verdict" class="verdict"></span>
        </div>
        <div class="label-row">
          <label class="fact-name" for="label-input">Label</label>
          <input id="label-input" class="label-input" spellcheck="false" autocomplete="off" placeholder="digits, - or empty" aria-describedby="label-help">
          <vscode-button id="use-prediction" appearance="secondary" hidden></vscode-button>
        </div>
        <p id="label-help" class="help">Enter sets the label in the labels file; Escape puts it back.</p>
        <div class="controls" role="group" aria-label="How the masks are computed">
          <vscode-checkbox id="smoothgrad" title="Average the gradients of noisy copies of the crop (SmoothGrad): steadier masks, slower">SmoothGrad</vscode-checkbox>
          <vscode-dropdown id="smoothgrad-n" aria-label="SmoothGrad: noisy copies" title="Noisy copies averaged">
            ${SMOOTHGRAD_SAMPLES.map((n) => `<vscode-option value="${n}">${n} copies</vscode-option>`).join('')}
          </vscode-dropdown>
          <vscode-checkbox id="grad-x-input" title="Multiply the gradient by the input: where changing a pixel matters, weighted by what is there">Gradient × input</vscode-checkbox>
          <vscode-checkbox id="show-boxes" title="The row's union box and per-digit boxes">Boxes</vscode-checkbox>
        </div>
        <div class="controls">
          <label class="fact-name" for="activation-block">Feature maps</label>
          <vscode-dropdown id="activation-block" title="The feature maps of one conv block, strongest first">
            <vscode-option value="off">Off</vscode-option>
          </vscode-dropdown>
        </div>
        <div class="legend" role="img" aria-label="Mask colour scale: viridis, dark purple for low saliency to yellow for high; each mask is scaled to its own maximum">
          <span>low</span><canvas id="legend-scale" class="legend-scale" width="256" height="1"></canvas><span>high</span>
        </div>
        <p class="help marks-help"><span aria-hidden="true">●</span> the model's reading · <span aria-hidden="true">◆</span> the label · outlined: the class the mask shows (click a bar, or use the arrow keys, to choose another)</p>
      </div>
    </section>
    <section id="heads" class="heads" aria-label="The six heads: L (length) and S1..S5 (digits)"></section>
    <section id="features" class="features" hidden>
      <h2 id="features-title"></h2>
      <div id="feature-grid" class="feature-grid"></div>
    </section>
  </main>`;

const el = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
type ToolkitInput = HTMLElement & { value: string; checked: boolean; disabled: boolean };
const main = el('main');
const labelInput = el<HTMLInputElement>('label-input');
const smoothGrad = el<ToolkitInput>('smoothgrad');
const smoothGradN = el<ToolkitInput>('smoothgrad-n');
const gradTimesInput = el<ToolkitInput>('grad-x-input');
const showBoxes = el<ToolkitInput>('show-boxes');
const activationBlock = el<ToolkitInput>('activation-block');

const cropView = new CropView('main-view', 720, { className: 'overlay-mask' });
el('crop-slot').appendChild(cropView.element);
const cards = HEADS.map(
  (_, i) =>
    new HeadCard(
      i,
      (k) => chooseClass(i, k),
      () => toggleOverlay(i),
    ),
);
el('heads').append(...cards.map((c) => c.element));
drawLegend();

// Controls: their state comes from the saved view, and each change asks for a new explanation.
smoothGrad.checked = state.view.smoothGrad > 0;
smoothGradN.setAttribute('value', String(smoothGradSamples));
smoothGradN.disabled = !smoothGrad.checked;
gradTimesInput.checked = state.view.gradTimesInput;
showBoxes.checked = state.showBoxes;
smoothGrad.addEventListener('change', () => {
  smoothGradN.disabled = !smoothGrad.checked;
  changeView({ smoothGrad: smoothGrad.checked ? smoothGradSamples : 0 });
});
smoothGradN.addEventListener('change', () => {
  const n = Number(smoothGradN.value);
  if (!(SMOOTHGRAD_SAMPLES as readonly number[]).includes(n) || n === smoothGradSamples) return;
  smoothGradSamples = n;
  if (smoothGrad.checked) changeView({ smoothGrad: n });
});
gradTimesInput.addEventListener('change', () => changeView({ gradTimesInput: gradTimesInput.checked }));
showBoxes.addEventListener('change', () => {
  setState({ showBoxes: showBoxes.checked });
  drawBoxes();
});
activationBlock.addEventListener('change', () => {
  const block = activationBlock.value === 'off' ? null : Number(activationBlock.value);
  if (block === state.view.activationBlock || (block !== null && !Number.isSafeInteger(block))) return;
  changeView({ activationBlock: block });
});

el('prev').addEventListener('click', () => step(-1));
el('next').addEventListener('click', () => step(1));
el('reveal').addEventListener('click', () => row && vscode.postMessage({ kind: 'revealRow', line: row.line }));
el('train').addEventListener('click', () => vscode.postMessage({ kind: 'trainModel' }));
el('use-prediction').addEventListener('click', () => {
  const text = explanation?.prediction;
  if (text !== undefined && isValidLabel(text)) sendLabel(text);
});
window.addEventListener('keydown', (event) => {
  // Letters and Alt+arrows move between crops, except while typing or inside a control.
  const target = event.target as HTMLElement;
  if (target.closest('input, textarea, vscode-dropdown, [contenteditable]') || event.ctrlKey || event.metaKey) return;
  const stepKey: Record<string, Step | undefined> = event.altKey ? { ArrowRight: 1, ArrowLeft: -1 } : { j: 1, k: -1 };
  const direction = stepKey[event.key];
  if (direction === undefined) return;
  event.preventDefault();
  step(direction);
});

// The label: Enter sends it through the host's one edit path, Escape puts back the row's.
labelInput.addEventListener('input', () => labelInput.classList.toggle('invalid', !isValidLabel(labelInput.value)));
labelInput.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    labelInput.value = row?.label ?? '';
    labelInput.classList.remove('invalid');
    return;
  }
  if (event.key !== 'Enter' || !row) return;
  const value = labelInput.value;
  if (!isValidLabel(value)) {
    labelInput.classList.add('invalid');
    notice("A label is digits only, '-' for a crop with no number, or empty for not labeled yet.");
    return;
  }
  if (value !== row.label) sendLabel(value);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToInspectorMessage(message)) return;
  switch (message.kind) {
    case 'row':
      showRow(message.labelsPath, message.row, message.place);
      return;
    case 'rowGone':
      row = undefined;
      el('file').textContent = 'No crop';
      el('reveal').hidden = true;
      showError(message.message, false);
      setBusy(false);
      main.classList.add('stale');
      return;
    case 'explanation':
      if (!requests.isLatest(message.requestId)) return;
      hideError();
      explanation = message.result;
      explained = row && { line: row.line, file: row.file };
      drawExplanation();
      // A preview stays busy: SmoothGrad's masks are on their way.
      setBusy(message.refining, 'sharpening the masks (SmoothGrad)…');
      return;
    case 'explainFailed':
      if (!requests.isLatest(message.requestId)) return;
      setBusy(false);
      showError(message.message, message.noModel);
      // What is drawn is not the answer to what was asked: dimmed, as for another crop's.
      main.classList.add('stale');
      return;
    case 'notice':
      notice(message.message);
      return;
    case 'labelResult':
      labelInput.disabled = false;
      el('use-prediction').removeAttribute('disabled');
      if (!message.ok) labelInput.value = row?.label ?? '';
      if (message.message) notice(message.message);
      return;
  }
});

// Nothing the inspector does should be refused by its CSP; if something is, the host logs it.
document.addEventListener('securitypolicyviolation', (e) => vscode.postMessage({ kind: 'cspViolation', directive: e.violatedDirective, blocked: e.blockedURI }));

vscode.postMessage({ kind: 'ready' });

function setState(patch: Partial<InspectorState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

function sameRow(a: RowRef | undefined, b: RowRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.line === b.line && a.file === b.file;
}

/** A row from the host: a new crop (its targets start from its own reading), or the same one changed. */
function showRow(path: string, next: InspectorRow, place: InspectorPlace): void {
  const sameCrop = sameRow(row, next);
  const previousUri = row?.imageUri;
  const typed = document.activeElement === labelInput && row !== undefined && labelInput.value !== row.label;
  row = next;
  labelsName = path.split(/[\\/]/).pop() ?? labelsName;
  setState({ labelsPath: path, row: { line: next.line, file: next.file } });
  if (!sameCrop) setState({ view: { ...state.view, targets: HEADS.map(() => null) } });
  el('file').textContent = next.file;
  const reveal = el('reveal');
  reveal.hidden = false;
  reveal.textContent = `${labelsName}:${next.line + 1}`;
  reveal.title = `Show the row in ${labelsName} (line ${next.line + 1})`;
  el('place').textContent = describePlace(place);
  el('place').title =
    place.navigation === 'gallery'
      ? "Next and previous follow the gallery's filter and order"
      : "Next and previous follow the labels file's order: the gallery is closed or out of view";
  el('label-help').textContent = `Enter sets the label in ${labelsName}; Escape puts it back.`;
  // A label being typed in the field survives an update of the same row; a new row shows its own.
  if (!(sameCrop && typed)) {
    labelInput.value = next.label;
    labelInput.classList.remove('invalid');
  }
  labelInput.setAttribute('aria-label', `label of ${next.file}`);
  hideError();
  if (!sameCrop || next.imageUri !== previousUri) loadImage(next);
  drawBoxes();
  main.classList.toggle('stale', !sameRow(explained, next));
  requestExplanation();
}

function describePlace(place: InspectorPlace): string {
  const at = place.position !== undefined && place.count !== undefined ? `${place.position + 1} of ${place.count}` : undefined;
  if (place.navigation === 'gallery') return [at, place.view ?? "the gallery's order"].filter(Boolean).join(' · ');
  return `${at ? `row ${at} · ` : ''}${labelsName} order`;
}

function loadImage(next: InspectorRow): void {
  const views = [cropView, ...cards.map((c) => c.view)];
  if (!next.imageUri) {
    loading = undefined;
    image = undefined;
    for (const view of views) view.showProblem(next.problem ?? 'no image');
    return;
  }
  const img = new Image();
  img.decoding = 'async';
  loading = img;
  // The previous crop stays on screen until this one is ready: no blank frame between crops.
  img.addEventListener('load', () => {
    if (loading !== img) return;
    image = img;
    drawImages();
  });
  img.addEventListener('error', () => {
    if (loading !== img) return;
    image = undefined;
    for (const view of views) view.showProblem('image missing or unreadable');
  });
  img.src = next.imageUri;
}

function drawImages(): void {
  if (!image || !row) return;
  const region = viewRegion(row.box, image.naturalWidth, image.naturalHeight);
  cropView.drawImage(image, region);
  for (const card of cards) card.view.drawImage(image, region);
  // The masks are placed over the new region.
  if (explanation && sameRow(explained, row)) drawExplanation();
}

function drawBoxes(): void {
  const boxes = state.showBoxes && row ? ([row.box, row.digitBoxes] as const) : ([undefined, undefined] as const);
  cropView.setBoxes(...boxes);
  for (const card of cards) card.view.setBoxes(...boxes);
}

function drawExplanation(): void {
  const result = explanation;
  if (!result || !row) return;
  const current = sameRow(explained, row);
  main.classList.toggle('stale', !current);
  cards.forEach((card, i) => {
    const head = result.heads[i];
    card.update(result, head, current ? targetOf(state.view, i, head) : head.target);
  });
  drawOverlay();
  el('reading').textContent = result.prediction;
  el('confidence').textContent = percent(result.confidence);
  const verdict = el('verdict');
  const label = row.label;
  verdict.textContent = label === '' ? 'unlabeled' : predictionMatchesLabel(result.prediction, label) ? '✓ as labeled' : `≠ label ${label}`;
  verdict.className = `verdict ${label === '' ? 'unlabeled' : predictionMatchesLabel(result.prediction, label) ? 'match' : 'mismatch'}`;
  const use = el('use-prediction');
  use.hidden = !current || !isValidLabel(result.prediction) || result.prediction === label;
  use.textContent = `use ${result.prediction}`;
  use.title = `Set the label to the model's reading, ${result.prediction}`;
  updateBlockChoices(result.blocks);
  const features = el('features');
  features.hidden = !result.activations;
  if (result.activations) {
    el('features-title').textContent = `Block ${result.activations.block}: ${result.activations.channels.length} feature maps, strongest first (${result.activations.width}×${result.activations.height}, mean activation)`;
  }
  showFeatureMaps(el('feature-grid'), result.activations);
  el('status').textContent = `${row.file}: reads ${result.prediction}, ${percent(result.confidence)}`;
}

/** The chosen head's mask over the large crop too (from the explanation drawn), or none. */
function drawOverlay(): void {
  const head = state.overlay === undefined ? undefined : explanation?.heads[state.overlay];
  cards.forEach((card, i) => card.setOverlaid(i === state.overlay));
  const caption = el('overlay-caption');
  if (!explanation || !head || state.overlay === undefined) {
    cropView.clearMask();
    caption.textContent = "Click a head's mask below to see it here, large.";
    return;
  }
  cropView.drawMask(explanation, head);
  if (cropView.heatmap) cropView.heatmap.dataset.shows = head.head;
  caption.textContent = `${head.head}: ${maskCaption(state.overlay, head)} · click it again to hide`;
}

function toggleOverlay(headIndex: number): void {
  setState({ overlay: state.overlay === headIndex ? undefined : headIndex });
  drawOverlay();
}

/** The feature-map choices: Off and the model's conv blocks. */
function updateBlockChoices(blocks: number): void {
  const options = activationBlock.querySelectorAll('vscode-option');
  if (options.length === blocks + 1) return;
  const choices = [['off', 'Off'], ...Array.from({ length: blocks }, (_, b) => [String(b + 1), `Block ${b + 1}`])];
  activationBlock.replaceChildren(
    ...choices.map(([value, text]) => {
      const option = document.createElement('vscode-option');
      option.setAttribute('value', value);
      option.textContent = text;
      return option;
    }),
  );
  activationBlock.setAttribute('value', String(state.view.activationBlock ?? 'off'));
  activationBlock.value = String(state.view.activationBlock ?? 'off');
}

function chooseClass(headIndex: number, k: number): void {
  const head = explanation && sameRow(explained, row) ? explanation.heads[headIndex] : undefined;
  const view = chooseTarget(state.view, headIndex, k, head?.predicted);
  // Marked at once; the mask follows when the engine answers.
  cards[headIndex].setTarget(targetOf(view, headIndex, head) ?? k);
  changeView(view);
}

function changeView(patch: Partial<InspectorView>): void {
  setState({ view: { ...state.view, ...patch } });
  requestExplanation();
}

function requestExplanation(): void {
  if (!row) return;
  const requestId = requests.next();
  setBusy(true);
  vscode.postMessage({ kind: 'explain', requestId, line: row.line, file: row.file, view: state.view });
}

function step(direction: Step): void {
  if (row) vscode.postMessage({ kind: 'step', step: direction });
}

function sendLabel(label: string): void {
  if (!row) return;
  labelInput.value = label;
  labelInput.disabled = true;
  el('use-prediction').setAttribute('disabled', '');
  vscode.postMessage({ kind: 'setLabel', line: row.line, file: row.file, expected: row.label, label });
}

function setBusy(busy: boolean, what = 'computing…'): void {
  el('busy').hidden = !busy;
  el('heads').setAttribute('aria-busy', String(busy));
  if (busy) el('status').textContent = what;
}

function showError(message: string, noModel: boolean): void {
  el('error-text').textContent = message;
  el('train').hidden = !noModel;
  el('error').hidden = false;
}

function hideError(): void {
  el('error').hidden = true;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function notice(message: string): void {
  const box = el('notice');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (box.hidden = true), 8000);
}

function drawLegend(): void {
  const canvas = el<HTMLCanvasElement>('legend-scale');
  canvas.getContext('2d')?.putImageData(new ImageData(scaleRgba(canvas.width), canvas.width, 1), 0, 0);
}
