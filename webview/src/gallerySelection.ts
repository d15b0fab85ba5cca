// Which crops are selected in the gallery, and how the keys move through its grid. Pure: the
// gallery (gallery.ts) draws the selection and scrolls to it; here is only what it is.
import type { RowRef } from '../../common/webviewProtocol';

/**
 * A row of the labels file as the selection names it: its line and file field, so it stays the
 * same row through new data, another filter or another order (a crop's place in the grid does not).
 */
export type RowKey = string;

export function rowKey(row: RowRef): RowKey {
  return `${row.line}\u0000${row.file}`;
}

/** The row a key names (undefined for a string that is no key). */
export function rowOfKey(key: RowKey): RowRef | undefined {
  const split = key.indexOf('\u0000');
  const line = Number(key.slice(0, split));
  return split > 0 && Number.isInteger(line) ? { line, file: key.slice(split + 1) } : undefined;
}

/**
 * The rows the grid shows, in its order, as the selection reads them: by place, never as one
 * array of keys (250,000 strings to build on every new view).
 */
export interface ShownRows {
  readonly count: number;
  keyAt(index: number): RowKey | undefined;
  /** The place of the row `key`, or -1 when it is not shown. */
  indexOf(key: RowKey): number;
}

/** Rows given as an array of keys (a test, a small grid). */
export function shownList(keys: readonly RowKey[]): ShownRows {
  const places = new Map(keys.map((key, index) => [key, index]));
  return { count: keys.length, keyAt: (index) => keys[index], indexOf: (key) => places.get(key) ?? -1 };
}

/** The moves of the selection's active crop through the grid. */
export type GridMove = 'left' | 'right' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/** The grid as laid out now: how many crops, per row, and how many rows fit in view. */
export interface GridShape {
  count: number;
  columns: number;
  rowsPerPage: number;
}

/**
 * Where `move` takes the active crop from `index`. Left and right step through the crops in order
 * (across the ends of rows); up and down by a row of the grid, into the shorter last row onto its
 * last crop; a page is as many rows as fit in view; a move past the grid's edge stays where it is.
 */
export function moveIndex(index: number, move: GridMove, grid: GridShape): number {
  const last = grid.count - 1;
  if (last < 0) return -1;
  const columns = Math.max(1, grid.columns);
  const i = Math.min(Math.max(index, 0), last);
  const lastRow = Math.floor(last / columns);
  const row = Math.floor(i / columns);
  const down = (rows: number): number => {
    if (row === lastRow) return i;
    const target = Math.min(row + rows, lastRow) * columns + (i % columns);
    return Math.min(target, last);
  };
  const up = (rows: number): number => Math.max(row - rows, 0) * columns + (i % columns);
  const page = Math.max(1, grid.rowsPerPage);
  switch (move) {
    case 'left':
      return Math.max(0, i - 1);
    case 'right':
      return Math.min(last, i + 1);
    case 'up':
      return up(1);
    case 'down':
      return down(1);
    case 'pageUp':
      return up(page);
    case 'pageDown':
      return down(page);
    case 'home':
      return 0;
    case 'end':
      return last;
  }
}

/**
 * The selection: the active crop (where the keys act and the focus ring is), the anchor a Shift
 * range starts from, and the selected rows. One crop selected is the usual case; Shift and Ctrl
 * (Cmd on a Mac) make more. `shown` arguments are the rows the grid shows, in its order. Every
 * method costs the size of the selection, not of the grid (but `all`).
 */
export class GallerySelection {
  private activeKey: RowKey | undefined;
  private anchorKey: RowKey | undefined;
  private readonly chosen = new Set<RowKey>();

  get active(): RowKey | undefined {
    return this.activeKey;
  }

  get size(): number {
    return this.chosen.size;
  }

  has(key: RowKey): boolean {
    return this.chosen.has(key);
  }

  /** The selected rows, in the order of `shown`. */
  inOrder(shown: ShownRows): RowKey[] {
    return [...this.chosen]
      .map((key) => [key, shown.indexOf(key)] as const)
      .filter(([, index]) => index >= 0)
      .sort((a, b) => a[1] - b[1])
      .map(([key]) => key);
  }

  /** A plain move or click: this crop only. */
  only(key: RowKey): void {
    this.chosen.clear();
    this.chosen.add(key);
    this.activeKey = key;
    this.anchorKey = key;
  }

  /** Shift with a move or a click: every crop from the anchor to this one, and nothing else. */
  extendTo(key: RowKey, shown: ShownRows): void {
    const to = shown.indexOf(key);
    const anchor = this.anchorKey === undefined ? -1 : shown.indexOf(this.anchorKey);
    if (to < 0) return;
    if (anchor < 0) {
      this.only(key);
      return;
    }
    this.chosen.clear();
    for (let i = Math.min(anchor, to); i <= Math.max(anchor, to); i++) this.chosen.add(shown.keyAt(i) as RowKey);
    this.activeKey = key;
  }

  /** Ctrl with a move: the active crop moves, the selection stays (Ctrl+Space then adds it). */
  moveActive(key: RowKey): void {
    this.activeKey = key;
  }

  /** Ctrl+Space or Ctrl+click: this crop in or out of the selection; a later Shift range starts here. */
  toggle(key: RowKey): void {
    if (this.chosen.has(key)) this.chosen.delete(key);
    else this.chosen.add(key);
    this.activeKey = key;
    this.anchorKey = key;
  }

  all(shown: ShownRows): void {
    for (let i = 0; i < shown.count; i++) this.chosen.add(shown.keyAt(i) as RowKey);
    if (this.activeKey === undefined && shown.count > 0) this.activeKey = shown.keyAt(0);
    this.anchorKey = this.activeKey;
  }

  /**
   * After new data, another filter or order: rows no longer shown leave the selection. The active
   * crop stays if it is shown; else the crop now at its old place (`fallbackIndex`) takes over, as
   * the next crop takes the place of one a fix removed from the Mismatches. An empty selection
   * selects the active crop.
   */
  reconcile(shown: ShownRows, fallbackIndex: number): void {
    const present = (key: RowKey): boolean => shown.indexOf(key) >= 0;
    for (const key of [...this.chosen]) if (!present(key)) this.chosen.delete(key);
    if (this.anchorKey !== undefined && !present(this.anchorKey)) this.anchorKey = undefined;
    if (this.activeKey === undefined || !present(this.activeKey)) {
      this.activeKey = shown.count === 0 ? undefined : shown.keyAt(Math.min(Math.max(fallbackIndex, 0), shown.count - 1));
    }
    if (this.chosen.size === 0 && this.activeKey !== undefined) this.only(this.activeKey);
    this.anchorKey ??= this.activeKey;
  }
}
