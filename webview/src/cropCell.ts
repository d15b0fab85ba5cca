// One cell of the gallery grid: the crop, the prediction drawn over it, the label under it.
// Pure DOM building; the grid (galleryGrid.ts) positions cells, gallery.ts handles their clicks.
import { LIKELY_ERROR, type GalleryCrop } from '../../common/webviewProtocol';
import { readingOffer } from './galleryModel';
import { showThumbnail, type CellThumbnail } from './thumbnails';

/**
 * A cell for `crop`: a red border and a badge when the prediction disagrees with the label. The
 * cell is an option of the grid's listbox: the grid holds the focus and names the active cell
 * (aria-activedescendant), so neither the cell nor its buttons are stops of the Tab key; every
 * button has a key (galleryKeys.ts). `labelsName` names the file its row is in. `thumbnail`: its
 * picture, if the page has it; else the frame is `awaiting` it (thumbnails.ts showThumbnail).
 */
export function cropCell(crop: GalleryCrop, labelsName: string, thumbnail?: CellThumbnail): HTMLElement {
  const cell = document.createElement('div');
  cell.className = 'crop';
  cell.setAttribute('role', 'option');
  cell.setAttribute('aria-selected', 'false');
  cell.dataset.file = crop.file;
  cell.dataset.line = String(crop.line);
  const prediction = crop.prediction;
  const mismatch = prediction !== undefined && !prediction.matchesLabel;
  if (mismatch) cell.classList.add('mismatch');
  if (crop.label === '') cell.classList.add('unlabeled');
  const issue = crop.issue && crop.issue.score >= LIKELY_ERROR ? crop.issue : undefined;
  if (issue) cell.classList.add('likely-error');
  cell.title = `${crop.file} (line ${crop.line + 1}): click the image (or press Space) to inspect what the model sees, the label (or type digits) to edit it`;
  cell.setAttribute('aria-label', `${crop.file}, ${crop.label === '' ? 'unlabeled' : `label ${crop.label}`}${prediction ? `, read as ${prediction.text}` : ''}${mismatch ? ', differs from the label' : ''}${issue ? `, likely label error: the model reads ${issue.suggestion}` : ''}`);

  const frame = document.createElement('div');
  frame.className = 'frame';
  if (crop.problem !== undefined) showThumbnail(frame, { problem: crop.problem }, crop.file);
  else if (thumbnail) showThumbnail(frame, thumbnail, crop.file);
  else frame.classList.add('awaiting');
  if (prediction) {
    const overlay = document.createElement('div');
    overlay.className = 'prediction';
    const digits = span('digits', prediction.text);
    const length = span('length', `len ${prediction.length}`);
    const confidence = span('confidence', `${Math.round(prediction.confidence * 100)}%`);
    overlay.append(digits, length, confidence);
    frame.appendChild(overlay);
  }
  if (issue) {
    const odds = issue.score / Math.max(1e-9, 1 - issue.score);
    frame.appendChild(
      span('badge suspect', '?', `likely label error: the model reads ${issue.suggestion} (${issue.position === 'L' ? 'the length' : issue.position} differs; odds ${odds >= 100 ? '100+' : odds.toFixed(0)} to 1)`),
    );
  } else if (mismatch) frame.appendChild(span('badge', '≠', 'prediction differs from the label'));
  const caption = document.createElement('div');
  caption.className = 'caption';
  const labelRow = document.createElement('div');
  labelRow.className = 'label-row';
  labelRow.appendChild(labelSpan(crop.label, issue?.position));
  // One click (or Tab) takes the model's reading, or the finder's suggestion, as the label
  // (galleryModel.ts readingOffer says when).
  const offer = readingOffer(crop);
  if (offer !== undefined) {
    const accept = document.createElement('button');
    accept.className = 'accept';
    accept.tabIndex = -1;
    accept.dataset.label = offer;
    accept.textContent = `use ${offer}`;
    accept.title = `Set the label to ${issue ? "the finder's suggestion" : 'the prediction'}, ${offer} (Tab)`;
    labelRow.appendChild(accept);
  }
  const fileRow = document.createElement('div');
  fileRow.className = 'file-row';
  const reveal = document.createElement('button');
  reveal.className = 'reveal';
  reveal.tabIndex = -1;
  reveal.textContent = `:${crop.line + 1}`;
  reveal.title = `Show the row in ${labelsName} (line ${crop.line + 1}) (r)`;
  reveal.setAttribute('aria-label', `Show the row of ${crop.file} in ${labelsName}, line ${crop.line + 1}`);
  fileRow.append(span('file', crop.file), reveal);
  caption.append(labelRow, fileRow);
  cell.append(frame, caption);
  return cell;
}

export function span(className: string, text: string, title?: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  if (title) s.title = title;
  return s;
}

/**
 * The label as the cell shows it. `suspect` ('L' or 'S1'..'S5', from the label-error finder) marks
 * where the model disagrees: the whole label for its length, else that digit.
 */
export function labelSpan(label: string, suspect?: string): HTMLSpanElement {
  const s = span('label', label === '' ? 'unlabeled' : label === '-' ? '– no number' : label, 'Click to edit the label');
  if (suspect === undefined || label === '' || label === '-') return s;
  if (suspect === 'L') {
    s.classList.add('suspect-length');
    s.title = 'The model reads another number of digits here. Click to edit the label';
    return s;
  }
  const i = Number(suspect.slice(1)) - 1;
  if (!(i >= 0 && i < label.length)) return s;
  const mark = document.createElement('mark');
  mark.className = 'suspect-digit';
  mark.textContent = label[i];
  s.replaceChildren(label.slice(0, i), mark, label.slice(i + 1));
  s.title = `The model reads another digit at position ${i + 1}. Click to edit the label`;
  return s;
}
