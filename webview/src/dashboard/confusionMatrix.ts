// One head's confusion matrix as a table: rows are the label's class, columns the reading's, each
// non-empty cell a button (keyboard reachable, named for screen readers) that opens the gallery on
// the crops behind it. The cell's shade is its share of its row: right readings on the diagonal in
// one theme colour, confusions in another.
import type { HeadConfusion } from '../../../common/trainingRun';
import { cellTitle, rowShare } from './dashboardModel';

export interface CellChoice {
  title: string;
  /** Indices into the evaluation's files. */
  rows: number[];
}

export function confusionTable(m: HeadConfusion, runStarted: string, open: (cell: CellChoice) => void): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'confusion';
  figure.dataset.head = m.head;
  const caption = document.createElement('figcaption');
  caption.textContent = m.head === 'L' ? 'L (length): label by row, reading by column' : `${m.head} (digit ${m.head.slice(1)}): label by row, reading by column`;
  const table = document.createElement('table');
  table.setAttribute('aria-label', `Confusion matrix of head ${m.head}`);
  const head = table.createTHead().insertRow();
  const corner = document.createElement('th');
  corner.textContent = 'label \\ read';
  corner.scope = 'col';
  head.append(corner);
  for (const c of m.classes) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c;
    head.append(th);
  }
  const body = table.createTBody();
  m.cells.forEach((row, truth) => {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = m.classes[truth];
    tr.append(th);
    row.forEach((cell, read) => {
      const td = tr.insertCell();
      if (cell.length === 0) {
        td.className = 'empty-cell';
        return;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.className = truth === read ? 'cell right' : 'cell wrong';
      button.textContent = String(cell.length);
      const title = cellTitle(m, truth, read, runStarted);
      button.setAttribute('aria-label', `${title}: ${cell.length} crop${cell.length === 1 ? '' : 's'}; open them in the gallery`);
      button.title = `${title}: ${cell.length} crop${cell.length === 1 ? '' : 's'} (click: show them in the gallery)`;
      button.dataset.truth = m.classes[truth];
      button.dataset.read = m.classes[read];
      // The shade through a custom property (CSSOM, which the CSP allows): dashboard.css mixes it.
      button.style.setProperty('--share', String(Math.max(0.3, rowShare(m, truth, read))));
      button.addEventListener('click', () => open({ title, rows: cell }));
      td.append(button);
    });
  });
  figure.append(caption, table);
  return figure;
}
