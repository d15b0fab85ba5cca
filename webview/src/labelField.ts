// The field in which a crop's label is typed, in place of the label under the crop. The field
// checks the label as the labels format reads it; what is done with it is the gallery's
// (gallery.ts sends it to the host and selects the next crop).
import type { GalleryCrop } from '../../common/webviewProtocol';
import { labelSpan } from './cropCell';
import { isLikelyError, isValidLabel, readingOffer } from './galleryModel';

/** A label being typed in a cell: its row as the edit started, and the field's state. */
export interface TypedEdit {
  crop: GalleryCrop;
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  focused: boolean;
}

export interface LabelFieldHandlers {
  /** Enter on a valid label other than the crop's. The field stays, disabled, until new data replaces the cell. */
  submit(crop: GalleryCrop, label: string): void;
  /** Enter on the label the crop has: nothing to send. The field is closed. */
  keep(crop: GalleryCrop): void;
  /** Escape. The field is closed. */
  cancel(crop: GalleryCrop): void;
}

/**
 * Replaces the cell's label with a field. It starts from `start.text` (a key typed on the grid),
 * else from the label, or for an unlabeled crop from the model's reading, selected: Enter takes
 * it, typing replaces it. `start.resume` reopens a field that new data interrupted. Leaving the
 * field (a click elsewhere) closes it as Escape does, without a word to the handlers.
 */
export function openLabelField(cell: HTMLElement, crop: GalleryCrop, handlers: LabelFieldHandlers, start: { text?: string; resume?: TypedEdit } = {}): void {
  const label = cell.querySelector<HTMLElement>('.caption .label');
  if (!label || cell.querySelector('.label-input')) return;
  const input = document.createElement('input');
  input.className = 'label-input';
  const reading = crop.prediction?.text;
  input.value = crop.label === '' && reading !== undefined && !reading.startsWith('>') ? reading : crop.label;
  input.placeholder = 'digits, - or empty';
  input.setAttribute('aria-label', `label of ${crop.file}`);
  input.spellcheck = false;
  input.autocomplete = 'off';
  label.replaceWith(input);
  const { text, resume } = start;
  if (resume) {
    input.value = resume.value;
    input.classList.toggle('invalid', !isValidLabel(input.value));
    if (resume.focused) input.focus();
    input.setSelectionRange(resume.selectionStart, resume.selectionEnd);
  } else if (text !== undefined) {
    input.value = text;
    input.classList.toggle('invalid', !isValidLabel(text));
    input.focus();
    input.setSelectionRange(text.length, text.length);
  } else {
    input.focus();
    input.select();
  }
  let closed = false;
  const close = (): boolean => {
    // Once only: replacing the focused input fires its blur, which calls this again.
    if (closed || input.disabled) return false;
    closed = true;
    input.replaceWith(label);
    return true;
  };
  // The labels format's rule as it is, no trimming: what is sent is what was checked and shown.
  input.addEventListener('blur', close);
  input.addEventListener('input', () => input.classList.toggle('invalid', !isValidLabel(input.value)));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (close()) handlers.cancel(crop);
      return;
    }
    if (event.key === 'Tab' && !event.shiftKey) {
      // Tab completes: the field takes the reading the gallery would accept (or, below even odds,
      // the bare reading: the user still reads it and presses Enter). Focus stays here.
      event.preventDefault();
      const fill = readingOffer(crop) ?? (reading !== undefined && !reading.startsWith('>') ? reading : undefined);
      if (fill === undefined) return;
      input.value = fill;
      input.classList.toggle('invalid', !isValidLabel(fill));
      input.select();
      return;
    }
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const value = input.value;
    if (!isValidLabel(value)) {
      input.classList.add('invalid');
      input.title = "A label is digits only, '-' for a crop with no number, or empty for not labeled yet";
      return;
    }
    if (value === crop.label) {
      if (close()) handlers.keep(crop);
      return;
    }
    input.disabled = true;
    cell.classList.add('saving');
    handlers.submit(crop, value);
  });
}

/** The label being typed in one of `cells`, if any (a disabled field was sent already: new data is its answer). */
export function typedEdit(cells: Iterable<[HTMLElement, GalleryCrop]>): TypedEdit | undefined {
  for (const [cell, crop] of cells) {
    const input = cell.querySelector<HTMLInputElement>('input.label-input');
    if (!input || input.disabled) continue;
    return { crop, value: input.value, selectionStart: input.selectionStart, selectionEnd: input.selectionEnd, focused: document.activeElement === input };
  }
  return undefined;
}

/** Puts the label back in place of a field that was sent and refused. */
export function closeRefusedField(cell: HTMLElement, crop: GalleryCrop): void {
  cell.classList.remove('saving');
  const input = cell.querySelector<HTMLInputElement>('.label-input');
  if (input) input.replaceWith(labelSpan(crop.label, isLikelyError(crop) ? crop.issue?.position : undefined));
}
