// The keyboard cheat sheet behind `?` (or the toolbar's ? button): a small dialog over the
// gallery listing KEY_HELP. Escape, `?`, its Close button or a click beside it closes it, and the
// focus goes back where it was.
import { KEY_HELP } from './galleryKeys';

export class CheatSheet {
  private readonly backdrop: HTMLElement;
  private readonly close: HTMLButtonElement;
  private returnFocus: HTMLElement | undefined;

  constructor(parent: HTMLElement) {
    this.backdrop = document.createElement('div');
    this.backdrop.className = 'cheat-sheet-backdrop';
    this.backdrop.hidden = true;
    const dialog = document.createElement('div');
    dialog.className = 'cheat-sheet';
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-labelledby', 'cheat-sheet-title');
    const title = document.createElement('h2');
    title.id = 'cheat-sheet-title';
    title.textContent = 'Keyboard';
    const table = document.createElement('table');
    for (const { keys, action } of KEY_HELP) {
      const row = table.insertRow();
      const keyCell = document.createElement('th');
      keyCell.scope = 'row';
      keyCell.append(...keys.split(/\s{2,}/).flatMap((k, i) => [...(i > 0 ? [' '] : []), Object.assign(document.createElement('kbd'), { textContent: k })]));
      row.append(keyCell);
      row.insertCell().textContent = action;
    }
    this.close = document.createElement('button');
    this.close.className = 'cheat-sheet-close';
    this.close.textContent = 'Close';
    this.close.addEventListener('click', () => this.hide());
    dialog.append(title, table, this.close);
    this.backdrop.append(dialog);
    this.backdrop.addEventListener('click', (event) => event.target === this.backdrop && this.hide());
    this.backdrop.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' || event.key === '?') {
        event.preventDefault();
        this.hide();
      } else if (event.key === 'Tab') {
        // The one control of a modal dialog: the focus stays on it.
        event.preventDefault();
      }
      // Nothing of the gallery behind it answers keys while it is open.
      event.stopPropagation();
    });
    parent.append(this.backdrop);
  }

  get isOpen(): boolean {
    return !this.backdrop.hidden;
  }

  show(): void {
    if (this.isOpen) return;
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.backdrop.hidden = false;
    this.close.focus();
  }

  hide(): void {
    if (!this.isOpen) return;
    this.backdrop.hidden = true;
    this.returnFocus?.focus({ preventScroll: true });
    this.returnFocus = undefined;
  }
}
