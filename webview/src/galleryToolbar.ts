// The gallery's toolbar: which crops it shows (a filter with a count per choice, a length, a text,
// the low-confidence threshold), their order, and the actions on the selection, each one also a
// key (galleryKeys.ts). It reports what the user chose; gallery.ts does it.
import {
  GALLERY_FILTERS,
  GALLERY_LENGTHS,
  GALLERY_SORTS,
  isGalleryFilter,
  isGalleryLength,
  isGallerySort,
  type GalleryFilter,
  type GalleryLength,
  type GallerySort,
} from '../../common/webviewProtocol';
import { FILTER_TITLES, LENGTH_TITLES, SORT_TITLES, type FilterCounts } from './galleryModel';
import { clampThreshold, type PageState } from './galleryState';

export interface ToolbarEvents {
  filter(filter: GalleryFilter): void;
  sort(sort: GallerySort): void;
  length(length: GalleryLength): void;
  /** The text filter, once typing pauses. */
  text(text: string): void;
  /** The low-confidence threshold, 0.01..0.99. */
  threshold(below: number): void;
  acceptSelection(): void;
  selectAll(): void;
  undo(): void;
  help(): void;
  refresh(): void;
  /** Enter or Escape in the text filter: back to the crops. */
  leave(): void;
}

/** How long the text filter waits for typing to pause before it filters. */
const TEXT_DEBOUNCE_MS = 150;

type ValueElement = HTMLElement & { value: string };

export class GalleryToolbar {
  private readonly textField: HTMLInputElement;
  private readonly acceptButton: HTMLElement;
  private readonly undoButton: HTMLElement;
  private readonly selectionInfo: HTMLElement;
  private readonly lengthDropdown: ValueElement;

  constructor(header: HTMLElement, state: PageState, events: ToolbarEvents) {
    header.innerHTML = `
      <div class="toolbar-row">
        <h1 id="title">Digit Lens gallery</h1>
        <vscode-radio-group id="filter" orientation="horizontal">
          <label slot="label">Show</label>
          ${GALLERY_FILTERS.map((f) => `<vscode-radio value="${f}">${FILTER_TITLES[f]} <span class="filter-count" data-filter="${f}">0</span></vscode-radio>`).join('')}
        </vscode-radio-group>
        <label class="threshold" title="The Low confidence filter shows the crops the model reads with a confidence below this">below
          <input id="low-confidence" type="number" min="1" max="99" step="1" aria-label="Low confidence: below this percentage">%</label>
      </div>
      <div class="toolbar-row">
        <vscode-dropdown id="length" title="Only crops of this length: the label's, or the model's reading while unlabeled" aria-label="Length">
          ${GALLERY_LENGTHS.map((l) => `<vscode-option value="${l}">${LENGTH_TITLES[l]}</vscode-option>`).join('')}
        </vscode-dropdown>
        <input id="text-filter" class="text-filter" type="text" spellcheck="false" autocomplete="off"
          placeholder="Label or file name contains… ( / )" aria-label="Show only crops whose label or file name contains">
        <vscode-dropdown id="sort" title="Order of the crops" aria-label="Order">
          ${GALLERY_SORTS.map((o) => `<vscode-option value="${o}">${SORT_TITLES[o]}</vscode-option>`).join('')}
        </vscode-dropdown>
        <span id="count" class="count" title="crops shown">0</span>
        <span id="selection-info" class="selection-info"></span>
        <vscode-button id="accept-selection" appearance="secondary" disabled title="Take the model's reading (or the suggested fix) as the label of every selected crop that has one, as one change (Tab)">Accept reading</vscode-button>
        <vscode-button id="select-all" appearance="secondary" title="Select every crop shown (Ctrl+A)">Select all</vscode-button>
        <vscode-button id="undo" appearance="secondary" disabled title="Undo the gallery's last label change (Ctrl+Z)">Undo</vscode-button>
        <vscode-button id="help" appearance="icon" aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)">?</vscode-button>
        <vscode-button id="refresh" appearance="icon" aria-label="Reload labels and predictions" title="Reload labels and predictions">&#x21bb;</vscode-button>
      </div>
      <div class="toolbar-row"><span id="summary" class="summary"></span></div>
      <div class="toolbar-row"><span id="readings-by" class="summary readings-by"></span></div>`;
    const el = <T extends HTMLElement>(id: string): T => header.querySelector(`#${id}`) as T;

    const filterGroup = el<ValueElement>('filter');
    filterGroup.setAttribute('value', state.filter);
    filterGroup.addEventListener('change', () => isGalleryFilter(filterGroup.value) && events.filter(filterGroup.value));

    const threshold = el<HTMLInputElement>('low-confidence');
    threshold.value = String(Math.round(state.lowConfidenceBelow * 100));
    threshold.addEventListener('change', () => {
      const percent = Number(threshold.value);
      if (!Number.isFinite(percent) || threshold.value.trim() === '') return;
      const below = clampThreshold(percent / 100);
      threshold.value = String(Math.round(below * 100));
      events.threshold(below);
    });

    this.lengthDropdown = el<ValueElement>('length');
    this.lengthDropdown.setAttribute('value', state.length);
    this.lengthDropdown.addEventListener('change', () => isGalleryLength(this.lengthDropdown.value) && events.length(this.lengthDropdown.value));

    this.textField = el<HTMLInputElement>('text-filter');
    this.textField.value = state.text;
    let textTimer: ReturnType<typeof setTimeout> | undefined;
    const sendText = (): void => {
      clearTimeout(textTimer);
      textTimer = undefined;
      events.text(this.textField.value);
    };
    this.textField.addEventListener('input', () => {
      clearTimeout(textTimer);
      textTimer = setTimeout(sendText, TEXT_DEBOUNCE_MS);
    });
    this.textField.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== 'Escape') return;
      event.preventDefault();
      if (textTimer !== undefined) sendText();
      events.leave();
    });

    const sortDropdown = el<ValueElement>('sort');
    sortDropdown.setAttribute('value', state.sort);
    sortDropdown.addEventListener('change', () => isGallerySort(sortDropdown.value) && events.sort(sortDropdown.value));

    this.selectionInfo = el('selection-info');
    this.acceptButton = el('accept-selection');
    this.undoButton = el('undo');
    this.acceptButton.addEventListener('click', () => events.acceptSelection());
    el('select-all').addEventListener('click', () => events.selectAll());
    this.undoButton.addEventListener('click', () => events.undo());
    el('help').addEventListener('click', () => events.help());
    el('refresh').addEventListener('click', () => events.refresh());
  }

  /** Each filter's and length's count, and how many crops are shown. */
  setCounts(counts: FilterCounts, shown: number): void {
    for (const filter of GALLERY_FILTERS) {
      const count = document.querySelector(`.filter-count[data-filter="${filter}"]`);
      if (count) count.textContent = String(counts.filters[filter]);
    }
    for (const option of this.lengthDropdown.querySelectorAll<HTMLElement & { value: string }>('vscode-option')) {
      const length = option.value;
      if (isGalleryLength(length)) option.textContent = `${LENGTH_TITLES[length]} (${counts.lengths[length]})`;
    }
    // The closed dropdown shows its chosen option's text as it was: told again, it shows the new count.
    const chosen = this.lengthDropdown.value;
    this.lengthDropdown.setAttribute('value', chosen);
    (this.lengthDropdown as { value: string }).value = chosen;
    const count = document.getElementById('count');
    if (count) count.textContent = String(shown);
  }

  /** How many crops are selected, and how many of them a reading could be accepted for. */
  setSelection(selected: number, offers: number): void {
    this.selectionInfo.textContent = selected > 1 ? `${selected} selected` : '';
    this.acceptButton.textContent = offers > 1 ? `Accept ${offers} readings` : 'Accept reading';
    this.acceptButton.toggleAttribute('disabled', offers === 0);
  }

  setUndoSteps(steps: number): void {
    this.undoButton.toggleAttribute('disabled', steps === 0);
    this.undoButton.title = steps === 0 ? 'Nothing of the gallery to undo' : "Undo the gallery's last label change (Ctrl+Z)";
  }

  /** Shows a filter or order chosen without the toolbar (a key). */
  showView(state: Pick<PageState, 'filter' | 'sort' | 'length' | 'text'>): void {
    const filterGroup = document.getElementById('filter') as ValueElement | null;
    const sortDropdown = document.getElementById('sort') as ValueElement | null;
    if (filterGroup && filterGroup.value !== state.filter) filterGroup.value = state.filter;
    if (sortDropdown && sortDropdown.value !== state.sort) sortDropdown.value = state.sort;
    if (this.lengthDropdown.value !== state.length) this.lengthDropdown.value = state.length;
    if (this.textField.value !== state.text) this.textField.value = state.text;
  }

  focusText(): void {
    this.textField.focus();
    this.textField.select();
  }
}
