// The gallery's grid of crops, virtualised: every cell has the same size, so the layout is
// arithmetic and only the rows in view (plus a margin) exist in the DOM, whatever the number of
// crops. The grid knows the rows it shows, in order (an index array into the CropTable), and which
// cell shows which; what a cell looks like is cropCell.ts's, what a click or key does is gallery.ts's.
import { encodeCrops, textAt } from '../../common/galleryColumns';
import type { GalleryCrop } from '../../common/webviewProtocol';
import { CropTable } from './cropTable';
import { rowKey, rowOfKey, type GridShape, type RowKey, type ShownRows } from './gallerySelection';

const CELL_WIDTH = 148;
const CELL_HEIGHT = 184;
const OVERSCAN_ROWS = 3;
/**
 * A scroll that needs more new cells than this in one frame (a scroll bar dragged, a fling through
 * thousands of rows) shows placeholders first, and the cells once the view rests: building some
 * hundred cells a frame is what made such a scroll stall (BENCHMARKS.md, issue 11).
 */
const FULL_CELLS_PER_FRAME = 40;
/** How long the view must rest before the placeholders become cells, ms. */
const SETTLE_MS = 80;

export class GalleryGrid implements ShownRows {
  private table = new CropTable(encodeCrops([]));
  /** The table's rows shown, in order; and each row's place among them (-1: not shown). */
  private order: Uint32Array = new Uint32Array(0);
  private positions: Int32Array = new Int32Array(0);
  private readonly rendered = new Map<number, HTMLElement>();
  /** Cells-to-be of a fast scroll: empty boxes where the cells will be, kept for reuse. */
  private readonly placeholders = new Map<number, HTMLElement>();
  private readonly sparePlaceholders: HTMLElement[] = [];
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  /** The transform last written to each cell or placeholder. */
  private readonly placed = new WeakMap<HTMLElement, string>();
  /** The crop each rendered cell shows: rows are named by line and file, never looked up by file alone. */
  private readonly cellCrops = new WeakMap<HTMLElement, GalleryCrop>();

  /**
   * `scroller` scrolls `canvas`, which holds the cells; `makeCell` builds the cell of the crop at
   * an index, `paintCell` (re)applies what changes without new data (selection, marks).
   */
  constructor(
    private readonly scroller: HTMLElement,
    private readonly canvas: HTMLElement,
    private readonly makeCell: (crop: GalleryCrop, index: number) => HTMLElement,
    private readonly paintCell: (cell: HTMLElement, crop: GalleryCrop) => void,
  ) {}

  /** How many crops are shown. */
  get count(): number {
    return this.order.length;
  }

  /** The crop shown at `index` (a new object each time: keep it no longer than the data). */
  cropAt(index: number): GalleryCrop | undefined {
    return index >= 0 && index < this.order.length ? this.table.crop(this.order[index]) : undefined;
  }

  keyAt(index: number): RowKey | undefined {
    return index >= 0 && index < this.order.length ? rowKey({ line: this.table.columns.lines[this.order[index]], file: textAt(this.table.columns.files, this.order[index]) }) : undefined;
  }

  indexOf(key: RowKey): number {
    const ref = rowOfKey(key);
    const row = ref ? this.table.rowOf(ref) : -1;
    return row < 0 ? -1 : this.positions[row];
  }

  /** Shows `order` (rows of `table`), every cell built anew (their data changed, or which crops they are). */
  setRows(table: CropTable, order: Uint32Array): void {
    this.table = table;
    this.order = order;
    this.positions = new Int32Array(table.count).fill(-1);
    order.forEach((row, index) => (this.positions[row] = index));
    for (const cell of this.rendered.values()) cell.remove();
    this.rendered.clear();
    this.render();
  }

  get shape(): GridShape {
    return { count: this.order.length, columns: this.columns(), rowsPerPage: Math.floor(this.scroller.clientHeight / CELL_HEIGHT) };
  }

  /** The first crop whose row is wholly in view (or the first of the partly visible top row, if none is). */
  firstIndexInView(): number {
    const columns = this.columns();
    const row = Math.ceil(this.scroller.scrollTop / CELL_HEIGHT);
    const index = row * columns;
    return index < this.order.length ? index : Math.floor(this.scroller.scrollTop / CELL_HEIGHT) * columns;
  }

  /** The cell of the crop at `index`, if it is in the DOM. */
  cell(index: number): HTMLElement | undefined {
    return this.rendered.get(index);
  }

  cropOf(cell: Element | null): GalleryCrop | undefined {
    return cell instanceof HTMLElement ? this.cellCrops.get(cell) : undefined;
  }

  /** The rendered cells with their crops. */
  *cells(): Iterable<[HTMLElement, GalleryCrop]> {
    for (const cell of this.rendered.values()) {
      const crop = this.cellCrops.get(cell);
      if (crop) yield [cell, crop];
    }
  }

  /**
   * Scrolls the crop at `index` into view (the least scroll that shows it, or centred for a jump
   * from afar) and renders at once, so its cell exists when this returns.
   */
  scrollIntoView(index: number, how: 'nearest' | 'center' = 'nearest'): void {
    if (index < 0 || index >= this.order.length) return;
    const top = Math.floor(index / this.columns()) * CELL_HEIGHT;
    const view = this.scroller.clientHeight;
    const scrollTop = this.scroller.scrollTop;
    if (top < scrollTop || top + CELL_HEIGHT > scrollTop + view) {
      this.scroller.scrollTop =
        how === 'center' ? Math.max(0, top - (view - CELL_HEIGHT) / 2) : top < scrollTop ? top : Math.max(0, top + CELL_HEIGHT - view);
    }
    this.render();
  }

  /** Whether the crop at `index` is wholly in view. */
  inView(index: number): boolean {
    const top = Math.floor(index / this.columns()) * CELL_HEIGHT;
    return top >= this.scroller.scrollTop && top + CELL_HEIGHT <= this.scroller.scrollTop + this.scroller.clientHeight;
  }

  /**
   * Renders after a scroll or a resize: in full, unless that would build more cells than a frame
   * affords; then placeholders now, and the cells once the view has rested for SETTLE_MS.
   */
  renderScrolled(): void {
    const { from, to } = this.range();
    let missing = 0;
    for (let index = from; index < to && missing <= FULL_CELLS_PER_FRAME; index++) if (!this.rendered.has(index)) missing++;
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    if (missing <= FULL_CELLS_PER_FRAME) {
      this.render();
      return;
    }
    this.render('placeholders');
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.render();
    }, SETTLE_MS);
  }

  /** The indices of the crops in view, with the margin of OVERSCAN_ROWS above and below. */
  private range(): { from: number; to: number; columns: number } {
    const columns = this.columns();
    const rows = Math.ceil(this.order.length / columns);
    const firstRow = Math.max(0, Math.floor(this.scroller.scrollTop / CELL_HEIGHT) - OVERSCAN_ROWS);
    const lastRow = Math.min(rows - 1, Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / CELL_HEIGHT) + OVERSCAN_ROWS);
    return { from: firstRow * columns, to: Math.min(this.order.length, (lastRow + 1) * columns), columns };
  }

  /**
   * Adds the cells that came into view, removes those that left, places them all. With
   * 'placeholders', crops without a cell get an empty box instead (renderScrolled).
   */
  render(missing: 'cells' | 'placeholders' = 'cells'): void {
    const { from, to, columns } = this.range();
    const height = `${Math.ceil(this.order.length / columns) * CELL_HEIGHT}px`;
    const width = `${columns * CELL_WIDTH}px`;
    if (this.canvas.style.height !== height) this.canvas.style.height = height;
    if (this.canvas.style.width !== width) this.canvas.style.width = width;
    for (const [index, cell] of this.rendered) {
      if (index < from || index >= to) {
        cell.remove();
        this.rendered.delete(index);
      }
    }
    for (const [index, box] of this.placeholders) {
      if (index < from || index >= to || missing === 'cells') {
        box.remove();
        this.placeholders.delete(index);
        this.sparePlaceholders.push(box);
      }
    }
    const fragment = document.createDocumentFragment();
    const place = (el: HTMLElement, index: number): void => {
      // Written only when it changes: while the view scrolls, the cells keep their places, and a
      // frame need not write a hundred unchanged styles.
      const transform = `translate(${(index % columns) * CELL_WIDTH}px, ${Math.floor(index / columns) * CELL_HEIGHT}px)`;
      if (this.placed.get(el) === transform) return;
      this.placed.set(el, transform);
      // CSSOM writes, not style attributes in markup: allowed under the strict style-src.
      el.style.transform = transform;
    };
    for (let index = from; index < to; index++) {
      let cell = this.rendered.get(index);
      if (!cell && missing === 'placeholders') {
        let box = this.placeholders.get(index);
        if (!box) {
          box = this.sparePlaceholders.pop() ?? placeholderBox();
          this.placeholders.set(index, box);
          fragment.appendChild(box);
        }
        place(box, index);
        continue;
      }
      if (!cell) {
        const crop = this.table.crop(this.order[index]);
        cell = this.makeCell(crop, index);
        // The listbox's options: their place in all the crops, which the DOM holds only some of.
        cell.id = `crop-${index}`;
        cell.setAttribute('aria-posinset', String(index + 1));
        cell.setAttribute('aria-setsize', String(this.order.length));
        this.cellCrops.set(cell, crop);
        this.paintCell(cell, crop);
        this.rendered.set(index, cell);
        fragment.appendChild(cell);
      }
      place(cell, index);
    }
    this.canvas.appendChild(fragment);
  }

  private columns(): number {
    return Math.max(1, Math.floor(this.scroller.clientWidth / CELL_WIDTH));
  }
}

/** An empty box of a cell's size: no text, nothing for a screen reader. */
function placeholderBox(): HTMLElement {
  const box = document.createElement('div');
  box.className = 'crop-placeholder';
  box.setAttribute('aria-hidden', 'true');
  return box;
}
