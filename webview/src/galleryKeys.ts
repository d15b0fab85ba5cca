// The gallery's keys: what each key does while the grid has the focus and no text field is being
// edited. The cheat sheet (`?`) is written from KEY_HELP below, beside the mapping it describes.
// Pure (a key is its name and modifiers), so the mapping is tested without a browser.
import type { GridMove } from './gallerySelection';

/** What the gallery does for a key. */
export type GalleryCommand =
  /** extend: Shift (a range from the anchor); keepSelection: Ctrl/Cmd (the active crop alone moves). */
  | { kind: 'move'; move: GridMove; extend: boolean; keepSelection: boolean }
  /** A digit or '-': starts editing the active crop's label with it. */
  | { kind: 'type'; text: string }
  | { kind: 'edit' }
  /** The model's reading (or the finder's suggestion) as the label: the active crop's, or the selection's. */
  | { kind: 'accept' }
  | { kind: 'inspect' }
  | { kind: 'toggle' }
  | { kind: 'selectAll' }
  | { kind: 'undo' }
  | { kind: 'reveal' }
  | { kind: 'find' }
  /** The next (1) or previous (-1) filter, or order. */
  | { kind: 'cycleFilter'; step: 1 | -1 }
  | { kind: 'cycleSort'; step: 1 | -1 }
  | { kind: 'help' }
  /** Escape: the selection back to the active crop alone. */
  | { kind: 'collapse' };

/** A key as KeyboardEvent has it. */
export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

const ARROWS: Record<string, GridMove> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
const VIM: Record<string, GridMove> = { h: 'left', l: 'right', k: 'up', j: 'down' };
const JUMPS: Record<string, GridMove> = { Home: 'home', End: 'end', PageUp: 'pageUp', PageDown: 'pageDown' };

/**
 * The command for a key, or undefined: the key is not the gallery's, and does what it would do
 * anyway (VS Code's own shortcuts reach the workbench from a webview). Alt is never the gallery's.
 */
export function commandForKey(press: KeyPress): GalleryCommand | undefined {
  const { key, shiftKey: shift, altKey: alt } = press;
  // Cmd on a Mac where Ctrl elsewhere; VS Code's webviews pass either.
  const mod = press.ctrlKey || press.metaKey;
  if (alt) return undefined;
  const arrow = ARROWS[key] ?? JUMPS[key];
  // Ctrl+PageUp/PageDown switch VS Code's editor tabs, which a webview's keys reach as well.
  if (arrow && mod && (key === 'PageUp' || key === 'PageDown')) return undefined;
  if (arrow) return { kind: 'move', move: arrow, extend: shift, keepSelection: mod && !shift };
  const vim = VIM[key.toLowerCase()];
  // h j k l without Ctrl only: Ctrl+J, Ctrl+K... are VS Code's (the panel, chords).
  if (vim && !mod) return { kind: 'move', move: vim, extend: shift, keepSelection: false };
  if (mod) {
    if (key === ' ') return { kind: 'toggle' };
    if (key.toLowerCase() === 'a' && !shift) return { kind: 'selectAll' };
    if (key.toLowerCase() === 'z' && !shift) return { kind: 'undo' };
    return undefined;
  }
  if (/^[0-9]$/.test(key) || key === '-') return { kind: 'type', text: key };
  switch (key) {
    case 'Enter':
    case 'F2':
      return shift ? undefined : { kind: 'edit' };
    // Shift+Tab is left to the browser: the way out of the grid to the toolbar.
    case 'Tab':
      return shift ? undefined : { kind: 'accept' };
    case ' ':
      return shift ? undefined : { kind: 'inspect' };
    case 'Escape':
      return { kind: 'collapse' };
    case '?':
      return { kind: 'help' };
    case '/':
      return { kind: 'find' };
    case 'r':
      return { kind: 'reveal' };
    case 'f':
    case 'F':
      return { kind: 'cycleFilter', step: shift ? -1 : 1 };
    case 'o':
    case 'O':
      return { kind: 'cycleSort', step: shift ? -1 : 1 };
  }
  return undefined;
}

/** The cheat sheet's rows: the keys as a user reads them, and what they do. */
export const KEY_HELP: readonly { keys: string; action: string }[] = [
  { keys: '← → ↑ ↓   h l k j', action: 'Select the crop beside, above or below' },
  { keys: 'Home  End  PageUp  PageDown', action: 'Select the first or last crop, or a page of rows away' },
  { keys: '0–9', action: "Start typing the selected crop's label" },
  { keys: '-', action: 'Start the label "-": the crop holds no number' },
  { keys: 'Enter  F2', action: 'Edit the label; in the field, Enter saves it and selects the next crop' },
  { keys: 'Escape', action: 'Cancel the edit; with several crops selected, keep only the active one' },
  { keys: 'Tab', action: "Accept the model's reading (or the suggested fix) for the selected crops; in the field, fill it in" },
  { keys: 'Shift+Tab', action: 'Leave the crops for the toolbar' },
  { keys: 'Space', action: 'Inspect the crop: what each head of the model sees' },
  { keys: 'Shift+arrows  Shift+click', action: 'Select a range of crops' },
  { keys: 'Ctrl+arrows  Ctrl+Space  Ctrl+click', action: 'Move without selecting; add or remove a crop (Cmd on a Mac)' },
  { keys: 'Ctrl+A', action: 'Select every crop shown' },
  { keys: 'Ctrl+Z', action: "Undo the gallery's last label change (one label, or one selection's readings)" },
  { keys: 'r', action: "Show the crop's row in the labels file" },
  { keys: 'f  Shift+F', action: 'Show the next or previous filter: all, unlabeled, mismatches, low confidence, likely label errors' },
  { keys: 'o  Shift+O', action: 'Order the crops the next or previous way' },
  { keys: '/', action: 'Filter by label or file name (Enter or Escape: back to the crops)' },
  { keys: '?', action: 'This list (Escape closes it)' },
];
