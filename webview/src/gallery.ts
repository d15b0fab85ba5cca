// The gallery webview: every crop of a dataset in a virtualised grid, with the model's prediction
// (digits, length, confidence) drawn over it and label/prediction disagreements marked. A click on
// a crop's image opens the inspector on it; the gallery answers the inspector's next/previous in
// its own filter and order. Runs in the browser (bundled to dist/gallery.js); talks to the host
// only through common/webviewProtocol.ts.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
} from '@vscode/webview-ui-toolkit';
import {
  GALLERY_FILTERS,
  GALLERY_SORTS,
  isGalleryFilter,
  isGallerySort,
  isHostToGalleryMessage,
  type GalleryCrop,
  type GalleryDataset,
  type GalleryFilter,
  type GallerySort,
  type GalleryState,
  type GalleryToHostMessage,
  type RowRef,
} from '../../common/webviewProtocol';
import { cropCell, labelSpan } from './cropCell';
import { FILTER_TITLES, SORT_TITLES, filterCrops, isValidLabel, neighbourCrop, sortCrops, summarize } from './galleryModel';

interface VsCodeApi {
  postMessage(message: GalleryToHostMessage): void;
  getState(): unknown;
  setState(state: GalleryState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// Not vscode-badge: its template carries a style="" attribute, which the CSP (no 'unsafe-inline')
// refuses; a styled <span> does the same job.
provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(), vsCodeRadio(), vsCodeRadioGroup());

// Every cell has the same size, so the grid is virtualised by arithmetic: only the rows in view
// (plus a margin) exist in the DOM, whatever the number of crops.
const CELL_WIDTH = 148;
const CELL_HEIGHT = 184;
const OVERSCAN_ROWS = 3;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<GalleryState> | undefined;
let state: GalleryState = {
  labelsPath: saved?.labelsPath,
  filter: isGalleryFilter(saved?.filter) ? saved.filter : GALLERY_FILTERS[0],
  sort: isGallerySort(saved?.sort) ? saved.sort : GALLERY_SORTS[0],
  scrollTop: typeof saved?.scrollTop === 'number' ? saved.scrollTop : 0,
};
let dataset: GalleryDataset | undefined;
let visible: GalleryCrop[] = [];
const rendered = new Map<number, HTMLElement>();
/** The crop each rendered cell shows: rows are named by line and file, never looked up by file alone. */
const cellCrops = new WeakMap<HTMLElement, GalleryCrop>();
/** The answer to the last label edit, shown with the dataset's warnings until the next edit. */
let labelNotice: string | undefined;
/** The row the inspector shows, marked in the grid. */
let inspected: RowRef | undefined;
let frameRequested = false;

const app = document.getElementById('app') ?? document.body;
app.innerHTML = `
  <header class="toolbar">
    <h1 id="title">Digit Lens gallery</h1>
    <vscode-radio-group id="filter" orientation="horizontal">
      <label slot="label">Show</label>
      ${GALLERY_FILTERS.map((f) => `<vscode-radio value="${f}">${FILTER_TITLES[f]}</vscode-radio>`).join('')}
    </vscode-radio-group>
    <vscode-dropdown id="sort" title="Order of the crops">
      ${GALLERY_SORTS.map((o) => `<vscode-option value="${o}">${SORT_TITLES[o]}</vscode-option>`).join('')}
    </vscode-dropdown>
    <span id="count" class="count" title="crops shown">0</span>
    <vscode-button id="refresh" appearance="icon" aria-label="Reload labels and predictions" title="Reload labels and predictions">&#x21bb;</vscode-button>
    <span id="summary" class="summary"></span>
  </header>
  <div id="warnings" class="warnings" hidden></div>
  <div id="scroller" class="scroller" tabindex="0">
    <div id="loading" class="loading"><vscode-progress-ring></vscode-progress-ring><span>Reading the dataset…</span></div>
    <div id="empty" class="empty" hidden></div>
    <div id="grid" class="grid"></div>
  </div>`;

const el = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const filterGroup = el<HTMLElement & { value: string }>('filter');
const scroller = el<HTMLDivElement>('scroller');
const grid = el<HTMLDivElement>('grid');

filterGroup.setAttribute('value', state.filter);
filterGroup.addEventListener('change', () => {
  const value = filterGroup.value;
  if (!isGalleryFilter(value) || value === state.filter) return;
  setState({ filter: value, scrollTop: 0 });
  scroller.scrollTop = 0;
  applyFilter();
});
const sortDropdown = el<HTMLElement & { value: string }>('sort');
sortDropdown.setAttribute('value', state.sort ?? GALLERY_SORTS[0]);
sortDropdown.addEventListener('change', () => {
  const value = sortDropdown.value;
  if (!isGallerySort(value) || value === state.sort) return;
  setState({ sort: value satisfies GallerySort, scrollTop: 0 });
  scroller.scrollTop = 0;
  applyFilter();
});
el('refresh').addEventListener('click', () => vscode.postMessage({ kind: 'refresh' }));
scroller.addEventListener('scroll', () => scheduleRender(), { passive: true });
new ResizeObserver(() => scheduleRender()).observe(scroller);
grid.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const cell = target.closest<HTMLElement>('.crop');
  const crop = cell && cellCrops.get(cell);
  if (!cell || !crop || target.closest('.label-input')) return;
  if (target.closest('.label')) {
    startLabelEdit(cell);
    return;
  }
  const accept = target.closest<HTMLElement>('.accept');
  if (accept) {
    if (cell.classList.contains('saving') || accept.dataset.label === undefined) return;
    cell.classList.add('saving');
    sendLabel(crop, accept.dataset.label);
    return;
  }
  if (target.closest('.reveal')) {
    vscode.postMessage({ kind: 'revealRow', line: crop.line });
    return;
  }
  // The image (and the rest of the cell): what the model sees in it.
  vscode.postMessage({ kind: 'inspectRow', line: crop.line, file: crop.file });
});
grid.addEventListener('keydown', (event) => {
  const cell = event.target as HTMLElement;
  const crop = cellCrops.get(cell);
  // On the cell itself: its buttons and the label field handle their own Enter.
  if (event.key !== 'Enter' || !crop) return;
  event.preventDefault();
  vscode.postMessage({ kind: 'inspectRow', line: crop.line, file: crop.file });
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  if (!isHostToGalleryMessage(message)) return;
  switch (message.kind) {
    case 'error':
      el('loading').hidden = true;
      showWarnings([message.message]);
      return;
    case 'labelResult':
      onLabelResult(message.line, message.file, message.ok, message.message);
      return;
    case 'neighbourRequest': {
      const from = { line: message.line, file: message.file };
      const answer = dataset ? neighbourCrop(dataset.crops, state.filter, state.sort ?? GALLERY_SORTS[0], from, message.step) : { status: 'unknown' as const };
      vscode.postMessage({ kind: 'neighbour', requestId: message.requestId, answer });
      return;
    }
    case 'inspecting':
      inspected = { line: message.line, file: message.file };
      for (const cell of rendered.values()) cell.classList.toggle('inspected', isInspected(cellCrops.get(cell)));
      scrollToInspected();
      return;
    case 'dataset': {
      el('loading').hidden = true;
      const first = dataset === undefined;
      dataset = message.dataset;
      setState({ labelsPath: dataset.labelsPath });
      el('title').textContent = dataset.title;
      showWarnings(dataset.warnings);
      applyFilter();
      if (first) scroller.scrollTop = state.scrollTop;
      return;
    }
  }
});

// Nothing the gallery does should be refused by its CSP; if something is, the host logs it.
document.addEventListener('securitypolicyviolation', (e) =>
  vscode.postMessage({ kind: 'cspViolation', directive: e.violatedDirective, blocked: e.blockedURI }),
);

vscode.postMessage({ kind: 'ready' });

function setState(patch: Partial<GalleryState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

function showWarnings(warnings: string[]): void {
  // The label notice stays through the refresh that follows a label edit.
  const all = labelNotice === undefined ? warnings : [labelNotice, ...warnings];
  const box = el('warnings');
  box.hidden = all.length === 0;
  box.replaceChildren(...all.map((w) => Object.assign(document.createElement('div'), { textContent: w })));
}

function applyFilter(): void {
  if (!dataset) return;
  visible = sortCrops(filterCrops(dataset.crops, state.filter), state.sort ?? GALLERY_SORTS[0]);
  const s = summarize(dataset.crops);
  el('count').textContent = String(visible.length);
  el('summary').textContent =
    `${visible.length} of ${s.total} crops · ${s.mismatches} mismatch${s.mismatches === 1 ? '' : 'es'} · ${s.unlabeled} unlabeled` +
    (dataset.hasIssues ? ` · ${s.likelyErrors} likely label error${s.likelyErrors === 1 ? '' : 's'}` : '') +
    (dataset.hasPredictions ? '' : ' · no predictions yet (run Digit Lens: Train Model)');
  const empty = el('empty');
  empty.hidden = visible.length > 0;
  empty.textContent = emptyText(state.filter, dataset.hasPredictions);
  // New data rebuilds every cell, and may come at any time (a label written a moment ago, a
  // training run's predictions): a label being typed meanwhile carries over to its row's new cell.
  const typing = typedEdit();
  const focusedCrop = document.activeElement instanceof HTMLElement ? cellCrops.get(document.activeElement) : undefined;
  for (const cell of rendered.values()) cell.remove();
  rendered.clear();
  render();
  if (typing) resumeEdit(typing);
  // A cell focused by keyboard stays focused through new data: its row's new cell takes the focus.
  else if (focusedCrop) [...rendered.values()].find((c) => sameRow(cellCrops.get(c), focusedCrop))?.focus({ preventScroll: true });
}

function sameRow(crop: RowRef | undefined, row: RowRef | undefined): boolean {
  return crop !== undefined && row !== undefined && crop.line === row.line && crop.file === row.file;
}

function isInspected(crop: GalleryCrop | undefined): boolean {
  return sameRow(crop, inspected);
}

/** Brings the inspected crop into view when it is shown but out of view (the inspector stepped to it). */
function scrollToInspected(): void {
  const index = visible.findIndex(isInspected);
  if (index < 0) return;
  const columns = Math.max(1, Math.floor(scroller.clientWidth / CELL_WIDTH));
  const top = Math.floor(index / columns) * CELL_HEIGHT;
  if (top >= scroller.scrollTop && top + CELL_HEIGHT <= scroller.scrollTop + scroller.clientHeight) return;
  scroller.scrollTop = Math.max(0, top - (scroller.clientHeight - CELL_HEIGHT) / 2);
  scheduleRender();
}

/** A label being typed in a cell: its row as the edit started, and the input's state. */
interface TypedEdit {
  crop: GalleryCrop;
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  focused: boolean;
}

function typedEdit(): TypedEdit | undefined {
  for (const cell of rendered.values()) {
    const input = cell.querySelector<HTMLInputElement>('input.label-input');
    const crop = cellCrops.get(cell);
    // A disabled input was sent already: the new data is its answer.
    if (!input || input.disabled || !crop) continue;
    return { crop, value: input.value, selectionStart: input.selectionStart, selectionEnd: input.selectionEnd, focused: document.activeElement === input };
  }
  return undefined;
}

/** Reopens the edit on the row's new cell, unless the row changed meanwhile (then the new label shows, and the edit is dropped). */
function resumeEdit(typing: TypedEdit): void {
  for (const cell of rendered.values()) {
    const crop = cellCrops.get(cell);
    if (crop?.line !== typing.crop.line || crop.file !== typing.crop.file) continue;
    if (crop.label === typing.crop.label) startLabelEdit(cell, typing);
    return;
  }
}

/** The labels file's name, as the cells' "show the row" buttons say it. */
function labelsName(): string {
  return dataset?.labelsPath.split(/[\\/]/).pop() ?? 'the labels file';
}

function emptyText(filter: GalleryFilter, hasPredictions: boolean): string {
  if (filter === 'mismatches') return hasPredictions ? 'No mismatches: every labeled crop is read as labeled.' : 'No predictions yet: train a model first.';
  if (filter === 'unlabeled') return 'Every crop has a label.';
  if (filter === 'likelyErrors') return hasPredictions ? 'No likely label errors: the model agrees with the labels it was trained on, or they were fixed.' : 'No model yet: train one, and it finds the labels that look wrong.';
  return 'The labels file lists no crops.';
}

function scheduleRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    render();
    setState({ scrollTop: scroller.scrollTop });
  });
}

function render(): void {
  const columns = Math.max(1, Math.floor(scroller.clientWidth / CELL_WIDTH));
  const rows = Math.ceil(visible.length / columns);
  grid.style.height = `${rows * CELL_HEIGHT}px`;
  grid.style.width = `${columns * CELL_WIDTH}px`;
  const firstRow = Math.max(0, Math.floor(scroller.scrollTop / CELL_HEIGHT) - OVERSCAN_ROWS);
  const lastRow = Math.min(rows - 1, Math.ceil((scroller.scrollTop + scroller.clientHeight) / CELL_HEIGHT) + OVERSCAN_ROWS);
  const from = firstRow * columns;
  const to = Math.min(visible.length, (lastRow + 1) * columns);
  for (const [index, cell] of rendered) {
    if (index < from || index >= to) {
      cell.remove();
      rendered.delete(index);
    }
  }
  const fragment = document.createDocumentFragment();
  for (let index = from; index < to; index++) {
    let cell = rendered.get(index);
    if (!cell) {
      cell = cropCell(visible[index], labelsName());
      if (isInspected(visible[index])) cell.classList.add('inspected');
      cellCrops.set(cell, visible[index]);
      rendered.set(index, cell);
      fragment.appendChild(cell);
    }
    // CSSOM writes, not style attributes in markup: allowed under the strict style-src.
    cell.style.transform = `translate(${(index % columns) * CELL_WIDTH}px, ${Math.floor(index / columns) * CELL_HEIGHT}px)`;
  }
  grid.appendChild(fragment);
}

/** Replaces the cell's label with an input; Enter sends it to the host, Escape or leaving cancels. */
function startLabelEdit(cell: HTMLElement, resume?: TypedEdit): void {
  const crop = cellCrops.get(cell);
  const label = cell.querySelector<HTMLElement>('.caption .label');
  if (!crop || !label || cell.querySelector('.label-input')) return;
  const input = document.createElement('input');
  input.className = 'label-input';
  // An unlabeled crop starts from the model's reading, selected: Enter takes it, typing replaces it.
  const reading = crop.prediction?.text;
  input.value = crop.label === '' && reading !== undefined && !reading.startsWith('>') ? reading : crop.label;
  input.placeholder = 'digits, - or empty';
  input.setAttribute('aria-label', `label of ${crop.file}`);
  input.spellcheck = false;
  label.replaceWith(input);
  if (resume) {
    input.value = resume.value;
    input.classList.toggle('invalid', !isValidLabel(input.value));
    if (resume.focused) input.focus();
    input.setSelectionRange(resume.selectionStart, resume.selectionEnd);
  } else {
    input.focus();
    input.select();
  }
  let closed = false;
  const cancel = (): void => {
    // Once only: replacing the focused input fires its blur, which calls this again.
    if (closed || input.disabled) return;
    closed = true;
    input.replaceWith(label);
  };
  // The labels format's rule as it is, no trimming: what is sent is what was checked and shown.
  input.addEventListener('blur', cancel);
  input.addEventListener('input', () => input.classList.toggle('invalid', !isValidLabel(input.value)));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') cancel();
    if (event.key !== 'Enter') return;
    const value = input.value;
    if (!isValidLabel(value)) {
      input.classList.add('invalid');
      input.title = "A label is digits only, '-' for a crop with no number, or empty for not labeled yet";
      return;
    }
    if (value === crop.label) {
      cancel();
      return;
    }
    input.disabled = true;
    cell.classList.add('saving');
    sendLabel(crop, value);
  });
}

/** Asks the host to set a row's label, naming the row as this gallery got it and the label it showed. */
function sendLabel(crop: GalleryCrop, label: string): void {
  labelNotice = undefined;
  vscode.postMessage({ kind: 'setLabel', line: crop.line, file: crop.file, expected: crop.label, label });
}

/** A refused label puts the old one back and says why; an accepted one arrives with the next dataset. */
function onLabelResult(line: number, file: string, ok: boolean, message: string | undefined): void {
  labelNotice = message;
  showWarnings(dataset?.warnings ?? []);
  if (ok) return;
  const cell = [...rendered.values()].find((c) => cellCrops.get(c)?.line === line && cellCrops.get(c)?.file === file);
  const crop = cell && cellCrops.get(cell);
  if (!cell || !crop) return;
  cell.classList.remove('saving');
  const input = cell.querySelector<HTMLInputElement>('.label-input');
  if (input) input.replaceWith(labelSpan(crop.label));
}
