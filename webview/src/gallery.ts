// The gallery webview: every crop of a dataset in a virtualised grid, with the model's prediction
// (digits, length, confidence) drawn over it and label/prediction disagreements marked. Keyboard
// first: a crop is always selected, keys move the selection and label it (galleryKeys.ts), and
// every key has a mouse equivalent. A click on a crop's image (or Space) opens the inspector on
// it; the gallery answers the inspector's next/previous in its own filter and order. Runs in the
// browser (bundled to dist/gallery.js); talks to the host only through common/webviewProtocol.ts.
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
  isHostToGalleryMessage,
  type GalleryCrop,
  type GalleryDataset,
  type GalleryState,
  type GalleryToHostMessage,
  type RowRef,
} from '../../common/webviewProtocol';
import { CropTable } from './cropTable';
import { CheatSheet } from './cheatSheet';
import { cropCell } from './cropCell';
import { GalleryGrid } from './galleryGrid';
import { commandForKey, type GalleryCommand } from './galleryKeys';
import { countRows, emptyText, FILTER_TITLES, filterRows, neighbourRow, noOfferReason, readingOffer, SORT_TITLES, sortRows, summarize } from './galleryModel';
import { GallerySelection, moveIndex, rowKey, type RowKey } from './gallerySelection';
import { queryOf, readState, type PageState } from './galleryState';
import { GalleryToolbar } from './galleryToolbar';
import { LabelEdits, shownLabel } from './labelEdits';
import { closeRefusedField, openLabelField, typedEdit, type LabelFieldHandlers, type TypedEdit } from './labelField';
import { showThumbnail, thumbnailsOf, ThumbnailStore } from './thumbnails';

interface VsCodeApi {
  postMessage(message: GalleryToHostMessage): void;
  getState(): unknown;
  setState(state: GalleryState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// Not vscode-badge: its template carries a style="" attribute, which the CSP (no 'unsafe-inline')
// refuses; a styled <span> does the same job.
provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(), vsCodeRadio(), vsCodeRadioGroup());

/** How often the page state is saved at most while scrolling: it holds the undo history, and VS Code copies all of it each time. */
const STATE_SAVE_MS = 100;

/** How long the page collects the cells that need a picture before it asks: a fast scroll asks only for where it stops. */
const THUMBNAIL_WAIT_MS = 40;

/** What takes its keys itself: a key there is not the grid's, and a click there does not move the focus to the grid. */
const CONTROLS = 'input, textarea, select, button, a[href], label, vscode-button, vscode-dropdown, vscode-option, vscode-radio, vscode-radio-group';

const vscode = acquireVsCodeApi();
let state: PageState = readState(vscode.getState());
/** Where the page was left (a reload, a tab shown again), before the first render and selection overwrite it. */
const reopenAt = { scrollTop: state.scrollTop, selected: state.selected };
/** Whether the page has gone back to reopenAt (on the first dataset that holds it). */
let opened = false;
const edits = new LabelEdits(state.history, {
  post: (message) => vscode.postMessage(message),
  status: (text) => status(text),
  notice: (message) => {
    labelNotice = message;
    showWarnings(dataset?.warnings ?? []);
  },
  saving: (rows, saving) => markSaving(rows, saving),
  refused: (row) => {
    const cell = grid.cell(grid.indexOf(rowKey(row)));
    const crop = grid.cropOf(cell ?? null);
    if (cell && crop) closeRefusedField(cell, crop);
  },
  historyChanged: () => {
    toolbar.setUndoSteps(edits.history.size);
    saveState();
  },
});
let dataset: GalleryDataset | undefined;
/** The dataset's rows, as columns (filters and orders run on them). */
let table: CropTable | undefined;
const thumbnails = new ThumbnailStore();
/** Rows whose pictures were asked for and have not come yet. */
const askedThumbnails = new Set<RowKey>();
let thumbnailTimer: ReturnType<typeof setTimeout> | undefined;
const selection = new GallerySelection();
/** The answer to the last label edit, shown with the dataset's warnings until the next edit. */
let labelNotice: string | undefined;
/** The row the inspector shows, marked in the grid. */
let inspected: RowRef | undefined;
let frameRequested = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;

const app = document.getElementById('app') ?? document.body;
app.innerHTML = `
  <header id="toolbar" class="toolbar"></header>
  <div id="file-set" class="file-set" role="group" aria-label="Crop set filter" hidden>
    <span class="file-set-chip"><span id="file-set-title"></span>
      <vscode-button id="file-set-clear" appearance="icon" aria-label="Clear the crop set filter: show every crop" title="Clear the crop set filter">&#x2715;</vscode-button></span>
  </div>
  <div id="warnings" class="warnings" hidden></div>
  <div id="status" class="status" role="status" aria-live="polite"></div>
  <div id="loading" class="loading"><vscode-progress-ring></vscode-progress-ring><span>Reading the dataset…</span></div>
  <div id="empty" class="empty" hidden></div>
  <div id="scroller" class="scroller" tabindex="0" role="listbox" aria-multiselectable="true" aria-label="Crops: arrows move, digits label, ? lists the keys">
    <div id="grid" class="grid" role="none"></div>
  </div>`;

const el = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const scroller = el<HTMLDivElement>('scroller');
const canvas = el<HTMLDivElement>('grid');
const grid = new GalleryGrid(scroller, canvas, makeCell, paintCell);
const cheatSheet = new CheatSheet(app);
el('file-set-clear').addEventListener('click', () => {
  changeView({ fileSet: undefined });
  showFileSet();
  focusGrid();
});
showFileSet();

const toolbar = new GalleryToolbar(el('toolbar'), state, {
  filter: (filter) => filter !== state.filter && changeView({ filter }),
  sort: (sort) => sort !== state.sort && changeView({ sort }),
  length: (length) => length !== state.length && changeView({ length }),
  text: (text) => text !== state.text && changeView({ text }),
  threshold: (lowConfidenceBelow) => {
    if (lowConfidenceBelow === state.lowConfidenceBelow) return;
    // The shown crops change only under the low-confidence filter; the counts always.
    if (state.filter === 'lowConfidence') changeView({ lowConfidenceBelow });
    else {
      setState({ lowConfidenceBelow });
      applyFilter('data');
    }
  },
  // After an action on the crops, the keys are the crops' again.
  acceptSelection: () => (acceptReadings(), focusGrid()),
  selectAll: () => (run({ kind: 'selectAll' }), focusGrid()),
  undo: () => (undo(), focusGrid()),
  help: () => cheatSheet.show(),
  refresh: () => vscode.postMessage({ kind: 'refresh' }),
  leave: () => focusGrid(),
});
toolbar.setUndoSteps(edits.history.size);

scroller.addEventListener('scroll', () => scheduleRender(), { passive: true });
new ResizeObserver(() => scheduleRender()).observe(scroller);

canvas.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const cell = target.closest<HTMLElement>('.crop');
  const crop = grid.cropOf(cell);
  if (!cell || !crop || target.closest('.label-input')) return;
  const key = rowKey(crop);
  // Shift and Ctrl (Cmd) clicks only select, as Shift and Ctrl with the keys do.
  if (event.shiftKey || event.ctrlKey || event.metaKey) {
    if (event.shiftKey) selection.extendTo(key, grid);
    else selection.toggle(key);
    paintSelection();
    focusGrid();
    return;
  }
  selection.only(key);
  paintSelection();
  if (target.closest('.label')) {
    openLabelField(cell, crop, fieldHandlers);
    return;
  }
  focusGrid();
  const accept = target.closest<HTMLElement>('.accept');
  if (accept) {
    if (cell.classList.contains('saving') || accept.dataset.label === undefined) return;
    cell.classList.add('saving');
    edits.setLabel(crop, accept.dataset.label);
    return;
  }
  if (target.closest('.reveal')) {
    vscode.postMessage({ kind: 'revealRow', line: crop.line });
    return;
  }
  // The image (and the rest of the cell): what the model sees in it.
  vscode.postMessage({ kind: 'inspectRow', line: crop.line, file: crop.file });
});

// The grid's keys work wherever the focus is not in a control: on the grid, or on nothing (the
// page itself, after a click on some text). The cheat sheet answers its own keys.
document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.isComposing || cheatSheet.isOpen) return;
  const target = event.target;
  if (target !== scroller && target !== document.body && target !== document.documentElement) return;
  const command = commandForKey(event);
  if (!command) return;
  event.preventDefault();
  run(command);
});
// Escape in the toolbar (not taken by the control itself, as the text filter and an open dropdown do): back to the crops.
el('toolbar').addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !event.defaultPrevented) focusGrid();
});
// A click anywhere that is not a control gives the crops the focus, so the keys work.
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : undefined;
  if (cheatSheet.isOpen || !target || target.closest(CONTROLS) || document.activeElement instanceof HTMLInputElement) return;
  focusGrid();
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
      edits.onLabelResult({ line: message.line, file: message.file }, message.ok, message.message);
      return;
    case 'labelsResult':
      edits.onLabelsResult(message.editId, message.ok, message.message);
      return;
    case 'neighbourRequest': {
      const from = { line: message.line, file: message.file };
      const answer = table ? neighbourRow(table, queryOf(state), state.sort, from, message.step) : { status: 'unknown' as const };
      vscode.postMessage({ kind: 'neighbour', requestId: message.requestId, answer });
      return;
    }
    case 'inspecting': {
      inspected = { line: message.line, file: message.file };
      // The inspector stepped to this crop: the gallery's selection follows, to go on from there.
      const key = rowKey(inspected);
      if (grid.indexOf(key) >= 0 && selection.active !== key) selection.only(key);
      paintSelection();
      scrollToInspected();
      return;
    }
    case 'showFiles':
      // Exactly the set's crops: the other choices go back to "all" (the set can be narrowed after).
      changeView({ fileSet: message.set, filter: 'all', length: 'any', text: '' });
      toolbar.showView(state);
      showFileSet();
      status(`Showing the ${message.set.files.length} crop${message.set.files.length === 1 ? '' : 's'} of ${message.set.title}.`);
      return;
    case 'thumbnails':
      for (const [key, thumbnail] of thumbnailsOf(message)) {
        askedThumbnails.delete(key);
        thumbnails.set(key, thumbnail);
        const cell = grid.cell(grid.indexOf(key));
        const frame = cell?.querySelector<HTMLElement>('.frame.awaiting');
        if (cell && frame) showThumbnail(frame, thumbnail, cell.dataset.file ?? '');
      }
      return;
    case 'dataset': {
      el('loading').hidden = true;
      dataset = message.dataset;
      table = new CropTable(dataset.columns);
      // Pictures asked for the old data are still welcome; those not from the cache are asked again (a run may have filled it).
      thumbnails.forgetFallbacks();
      askedThumbnails.clear();
      setState({ labelsPath: dataset.labelsPath });
      el('title').textContent = dataset.title;
      showWarnings(dataset.warnings);
      applyFilter('data');
      // Back where the page was left: at once when the first rows hold that place, else once all have come.
      if (!opened && (!dataset.partial || (reopenAt.scrollTop === 0 && (reopenAt.selected === undefined || table.rowOf(reopenAt.selected) >= 0)))) {
        opened = true;
        openAt(reopenAt.scrollTop, reopenAt.selected);
      }
      return;
    }
  }
});

// Nothing the gallery does should be refused by its CSP; if something is, the host logs it.
document.addEventListener('securitypolicyviolation', (e) =>
  vscode.postMessage({ kind: 'cspViolation', directive: e.violatedDirective, blocked: e.blockedURI }),
);

vscode.postMessage({ kind: 'ready' });

function setState(patch: Partial<PageState>): void {
  state = { ...state, ...patch };
  saveState();
}

/** Saves the page state now, or (`soon`) at most every STATE_SAVE_MS. */
function saveState(soon = false): void {
  if (soon) {
    saveTimer ??= setTimeout(() => saveState(), STATE_SAVE_MS);
    return;
  }
  clearTimeout(saveTimer);
  saveTimer = undefined;
  vscode.setState({ ...state, history: edits.history.toJSON() });
}

/** The chip that says a crop set narrows the view, with its button to clear it. */
function showFileSet(): void {
  const set = state.fileSet;
  el('file-set').hidden = set === undefined;
  el('file-set-title').textContent = set ? `Only ${set.title} (${set.files.length} crop${set.files.length === 1 ? '' : 's'})` : '';
}

function focusGrid(): void {
  scroller.focus({ preventScroll: true });
}

/** The gallery's own news (what an action did, or why it did nothing), read out by screen readers. */
function status(text: string): void {
  el('status').textContent = text;
}

function showWarnings(warnings: string[]): void {
  // The label notice stays through the refresh that follows a label edit.
  const all = labelNotice === undefined ? warnings : [labelNotice, ...warnings];
  const box = el('warnings');
  box.hidden = all.length === 0;
  box.replaceChildren(...all.map((w) => Object.assign(document.createElement('div'), { textContent: w })));
}

/** Another filter, length, text, threshold or order: a new pass over the crops, from the top, the first one selected. */
function changeView(patch: Partial<PageState>): void {
  setState({ ...patch, scrollTop: 0 });
  applyFilter('view');
}

/**
 * Shows the dataset's crops under the current filter and order, every cell built anew. `data`:
 * new data (a label written a moment ago, a training run's predictions) — the view stays where it
 * is, the selection too, and a selected crop that left it hands its place to the crop now there.
 * `view`: the user chose another view — it starts at the top, with its first crop selected.
 */
function applyFilter(mode: 'data' | 'view'): void {
  if (!dataset || !table) return;
  const query = queryOf(state);
  const activeBefore = selection.active === undefined ? -1 : grid.indexOf(selection.active);
  // A label being typed carries over to its row's new cell.
  const typing = typedEdit(grid.cells());
  if (mode === 'view') scroller.scrollTop = 0;
  grid.setRows(table, sortRows(table, filterRows(table, query), state.sort));
  const shown = grid.count;
  toolbar.setCounts(countRows(table, query), shown);
  const s = summarize(table);
  el('summary').textContent = dataset.partial
    ? `${shown} of the first ${s.total} crops · reading the rest…`
    : `${shown} of ${s.total} crops · ${s.mismatches} mismatch${s.mismatches === 1 ? '' : 'es'} · ${s.unlabeled} unlabeled` +
      (dataset.hasIssues ? ` · ${s.likelyErrors} likely label error${s.likelyErrors === 1 ? '' : 's'}` : '') +
      (dataset.hasPredictions ? '' : ' · no predictions yet (run Digit Lens: Train Model)');
  el('readings-by').textContent = dataset.hasPredictions && dataset.readingsBy ? `Readings by ${dataset.readingsBy}` : '';
  const empty = el('empty');
  empty.hidden = shown > 0;
  empty.textContent = emptyText({ table, hasPredictions: dataset.hasPredictions }, query);
  const first = grid.keyAt(0);
  if (mode === 'view' && first !== undefined) selection.only(first);
  selection.reconcile(grid, activeBefore < 0 ? grid.firstIndexInView() : activeBefore);
  paintSelection();
  if (typing) resumeEdit(typing);
}

/** The gallery as it opens: at the scroll it was left at, the crop selected then, or else the first crop in view. */
function openAt(scrollTop: number, selected: RowRef | undefined): void {
  scroller.scrollTop = scrollTop;
  grid.render();
  const restored = selected === undefined ? -1 : grid.indexOf(rowKey(selected));
  const index = restored >= 0 ? restored : grid.firstIndexInView();
  const key = grid.keyAt(index);
  if (key !== undefined) selection.only(key);
  paintSelection();
  // The page opened with nothing focused: the crops take the keys at once.
  if (document.activeElement === document.body || document.activeElement === null) focusGrid();
}

function activeIndex(): number {
  return selection.active === undefined ? -1 : grid.indexOf(selection.active);
}

function isInspected(crop: GalleryCrop): boolean {
  return inspected !== undefined && crop.line === inspected.line && crop.file === inspected.file;
}

/** A new cell of the grid: with its picture if the page has it, else the picture is asked for. */
function makeCell(crop: GalleryCrop): HTMLElement {
  const key = rowKey(crop);
  const thumbnail = thumbnails.get(key);
  const cell = cropCell(crop, labelsName(), thumbnail);
  if (!thumbnail && crop.problem === undefined) requestThumbnails();
  return cell;
}

/** Asks the host, in a moment, for the pictures of the cells then in the DOM that lack one. */
function requestThumbnails(): void {
  thumbnailTimer ??= setTimeout(() => {
    thumbnailTimer = undefined;
    const rows: RowRef[] = [];
    for (const [cell, crop] of grid.cells()) {
      const key = rowKey(crop);
      if (!cell.querySelector('.frame.awaiting') || askedThumbnails.has(key)) continue;
      askedThumbnails.add(key);
      rows.push({ line: crop.line, file: crop.file });
    }
    if (rows.length > 0) vscode.postMessage({ kind: 'thumbnails', rows });
  }, THUMBNAIL_WAIT_MS);
}

/** The selection's marks on a cell: selected, active (the focus ring), inspected. */
function paintCell(cell: HTMLElement, crop: GalleryCrop): void {
  const key = rowKey(crop);
  const selected = selection.has(key);
  cell.classList.toggle('selected', selected);
  cell.setAttribute('aria-selected', String(selected));
  const active = key === selection.active;
  cell.classList.toggle('active', active);
  if (active) scroller.setAttribute('aria-activedescendant', cell.id);
  cell.classList.toggle('inspected', isInspected(crop));
}

/** Draws the selection on the cells in the DOM, tells the toolbar, and keeps the selected row for the next time the page opens. */
function paintSelection(): void {
  scroller.removeAttribute('aria-activedescendant');
  scroller.classList.toggle('multi-select', selection.size > 1);
  for (const [cell, crop] of grid.cells()) paintCell(cell, crop);
  const targets = actionTargets();
  toolbar.setSelection(selection.size, targets.filter((crop) => readingOffer(crop) !== undefined).length);
  const active = grid.cropAt(activeIndex());
  const selected = active && { line: active.line, file: active.file };
  if (selected?.line !== state.selected?.line || selected?.file !== state.selected?.file) {
    state = { ...state, selected };
    saveState(true);
  }
}

/** The crops an action (accept, inspect) is for: the selection when it holds several, else the active crop. */
function actionTargets(): GalleryCrop[] {
  if (selection.size > 1) return selection.inOrder(grid).flatMap((key) => grid.cropAt(grid.indexOf(key)) ?? []);
  const active = grid.cropAt(activeIndex());
  return active ? [active] : [];
}

/** Makes the crop at `index` active: alone (a plain move), as the end of a Shift range, or alone without selecting (Ctrl). */
function moveTo(index: number, how: { extend: boolean; keepSelection: boolean } = { extend: false, keepSelection: false }): void {
  const key = grid.keyAt(index);
  if (key === undefined) return;
  if (how.extend) selection.extendTo(key, grid);
  else if (how.keepSelection) selection.moveActive(key);
  else selection.only(key);
  grid.scrollIntoView(index);
  paintSelection();
}

function run(command: GalleryCommand): void {
  switch (command.kind) {
    case 'help':
      cheatSheet.show();
      return;
    case 'find':
      toolbar.focusText();
      return;
    case 'undo':
      undo();
      return;
    case 'cycleFilter':
      changeView({ filter: cycle(GALLERY_FILTERS, state.filter, command.step) });
      toolbar.showView(state);
      status(`Showing: ${FILTER_TITLES[state.filter]}.`);
      return;
    case 'cycleSort':
      changeView({ sort: cycle(GALLERY_SORTS, state.sort, command.step) });
      toolbar.showView(state);
      status(`Order: ${SORT_TITLES[state.sort]}.`);
      return;
  }
  if (grid.count === 0) return;
  const index = activeIndex();
  if (index < 0) {
    // Nothing selected (all crops left the view meanwhile): a key selects the first in view.
    moveTo(grid.firstIndexInView());
    return;
  }
  const crop = grid.cropAt(index) as GalleryCrop;
  const key = grid.keyAt(index) as RowKey;
  switch (command.kind) {
    case 'move':
      moveTo(moveIndex(index, command.move, grid.shape), command);
      return;
    case 'type':
      editLabel(index, command.text);
      return;
    case 'edit':
      editLabel(index);
      return;
    case 'accept':
      acceptReadings();
      return;
    case 'inspect':
      grid.scrollIntoView(index);
      vscode.postMessage({ kind: 'inspectRow', line: crop.line, file: crop.file });
      return;
    case 'toggle':
      selection.toggle(key);
      grid.scrollIntoView(index);
      paintSelection();
      return;
    case 'selectAll':
      selection.all(grid);
      paintSelection();
      status(`${selection.size} crops selected.`);
      return;
    case 'reveal':
      vscode.postMessage({ kind: 'revealRow', line: crop.line });
      return;
    case 'collapse':
      selection.only(key);
      paintSelection();
      return;
  }
}

function cycle<T>(values: readonly T[], current: T, step: 1 | -1): T {
  return values[(values.indexOf(current) + step + values.length) % values.length];
}

const fieldHandlers: LabelFieldHandlers = {
  submit: (crop, label) => {
    edits.setLabel(crop, label);
    selectAfter(crop);
  },
  keep: (crop) => selectAfter(crop),
  cancel: () => focusGrid(),
};

/** Opens the label field of the crop at `index`, starting with `text` if a key was typed. */
function editLabel(index: number, text?: string): void {
  grid.scrollIntoView(index);
  const cell = grid.cell(index);
  const crop = grid.cropAt(index);
  if (!cell || !crop) return;
  // A crop whose label is on its way to the file: the new data says how it went first.
  if (cell.classList.contains('saving')) {
    status(`${crop.file}: its label is being written; a moment.`);
    return;
  }
  openLabelField(cell, crop, fieldHandlers, { text });
}

/** After a crop's label is done: the next crop is selected, and the keys are the grid's again. */
function selectAfter(crop: GalleryCrop): void {
  const index = grid.indexOf(rowKey(crop));
  if (index >= 0 && index + 1 < grid.count) moveTo(index + 1);
  focusGrid();
}

/** Reopens the edit on the row's new cell, unless the row changed meanwhile (then the new label shows, and the edit is dropped). */
function resumeEdit(typing: TypedEdit): void {
  const index = grid.indexOf(rowKey(typing.crop));
  const cell = grid.cell(index);
  const crop = grid.cropAt(index);
  if (cell && crop?.label === typing.crop.label) openLabelField(cell, crop, fieldHandlers, { resume: typing });
}

/**
 * Tab, or the toolbar's Accept: the model's reading (or the finder's suggestion: readingOffer) as
 * the label. One crop: like its "use" button, and the next crop is selected. Several: one change
 * for all that have a reading (labelEdits.ts).
 */
function acceptReadings(): void {
  const targets = actionTargets();
  if (targets.length !== 1) {
    if (targets.length > 1) edits.acceptReadings(targets);
    return;
  }
  const [crop] = targets;
  const offer = readingOffer(crop);
  if (offer === undefined) {
    status(`No reading to accept for ${crop.file}: ${noOfferReason(crop)}.`);
    return;
  }
  const cell = grid.cell(grid.indexOf(rowKey(crop)));
  if (cell?.classList.contains('saving')) return;
  cell?.classList.add('saving');
  edits.setLabel(crop, offer);
  status(`${crop.file}: ${shownLabel(crop.label)} → ${offer}.`);
  selectAfter(crop);
}

/** Ctrl+Z, or the toolbar's Undo (labelEdits.ts); the undone row is selected, to see it change back. */
function undo(): void {
  const step = edits.undo();
  const index = step ? grid.indexOf(rowKey(step[0])) : -1;
  if (index >= 0) moveTo(index);
}

function markSaving(rows: readonly RowRef[], saving: boolean): void {
  const keys = new Set(rows.map(rowKey));
  for (const [cell, crop] of grid.cells()) if (keys.has(rowKey(crop))) cell.classList.toggle('saving', saving);
}

/** The labels file's name, as the cells' "show the row" buttons say it. */
function labelsName(): string {
  return dataset?.labelsPath.split(/[\\/]/).pop() ?? 'the labels file';
}

/** Brings the inspected crop into view when it is shown but out of view (the inspector stepped to it). */
function scrollToInspected(): void {
  if (!inspected) return;
  const index = grid.indexOf(rowKey(inspected));
  if (index >= 0 && !grid.inView(index)) grid.scrollIntoView(index, 'center');
}

function scheduleRender(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(() => {
    frameRequested = false;
    grid.renderScrolled();
    state = { ...state, scrollTop: scroller.scrollTop };
    saveState(true);
  });
}
