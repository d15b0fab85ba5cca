// The gallery's label changes, from the message that asks the host for one to its answer: one
// label (a typed label, a "use" button, Tab on one crop: setLabel), the readings of a selection
// accepted at once, and undo (setLabels). Every change the host made becomes a step of the undo
// history (labelHistory.ts). No DOM: the page (gallery.ts) gets told what to show.
import type { GalleryCrop, LabelChange, RowRef, SetLabelMessage, SetLabelsMessage } from '../../common/webviewProtocol';
import { rowKey, type RowKey } from './gallerySelection';
import { readingOffer } from './galleryModel';
import { LabelHistory, undoEdits } from './labelHistory';

/** What the label changes need from the page. */
export interface EditsPage {
  post(message: SetLabelMessage | SetLabelsMessage): void;
  /** The gallery's own news, for the status line. */
  status(text: string): void;
  /** The host's word on the last change (a refusal, or where the label went), or undefined to clear it. */
  notice(message: string | undefined): void;
  /** Marks rows as being written (or no longer). */
  saving(rows: readonly RowRef[], saving: boolean): void;
  /** A single label was refused: its field gives way to the label as it was. */
  refused(row: RowRef): void;
  /** The undo history changed (to save it, and to offer Undo or not). */
  historyChanged(): void;
}

export function shownLabel(label: string): string {
  return label === '' ? 'unlabeled' : label === '-' ? '– (no number)' : label;
}

function readings(count: number): string {
  return count === 1 ? '1 reading' : `${count} readings`;
}

export class LabelEdits {
  readonly history: LabelHistory;
  private nextEditId = 1;
  /** The single labels sent and not answered yet, per row, oldest first. */
  private readonly pendingLabels = new Map<RowKey, LabelChange[]>();
  /** The changes of several labels (accepted readings, undos) not answered yet, by editId. */
  private readonly pendingChanges = new Map<number, { reason: SetLabelsMessage['reason']; changes: LabelChange[] }>();

  constructor(
    savedHistory: unknown,
    private readonly page: EditsPage,
  ) {
    this.history = new LabelHistory(savedHistory);
  }

  /** Asks the host to set a row's label, naming the row as this gallery got it and the label it showed. */
  setLabel(crop: GalleryCrop, label: string): void {
    this.page.notice(undefined);
    const key = rowKey(crop);
    this.pendingLabels.set(key, [...(this.pendingLabels.get(key) ?? []), { line: crop.line, file: crop.file, before: crop.label, after: label }]);
    this.page.post({ kind: 'setLabel', line: crop.line, file: crop.file, expected: crop.label, label });
  }

  /**
   * The model's readings (readingOffer) as the labels of `crops`, those that have one: one change,
   * written together or not at all, one step of undo. False when none has a reading to accept.
   */
  acceptReadings(crops: readonly GalleryCrop[]): boolean {
    const changes = crops.flatMap((crop) => {
      const offer = readingOffer(crop);
      return offer === undefined ? [] : [{ line: crop.line, file: crop.file, before: crop.label, after: offer }];
    });
    const skipped = crops.length - changes.length;
    if (changes.length === 0) {
      this.page.status(`None of the ${crops.length} selected crops has a reading to accept: the model reads them as labeled, or below even odds.`);
      return false;
    }
    this.page.saving(changes, true);
    this.send('acceptReadings', changes);
    this.page.status(`Accepting ${readings(changes.length)}${skipped > 0 ? `; ${skipped} selected crop${skipped === 1 ? ' has' : 's have'} none at even odds` : ''}…`);
    return true;
  }

  /**
   * The gallery's latest change reversed through the host's one edit path: every row back to its
   * label, expecting the one the change set, so a row changed since refuses it (and the step is
   * gone: it cannot be made any more). Undone changes are not kept for a redo. Returns the step.
   */
  undo(): LabelChange[] | undefined {
    const step = this.history.takeLatest();
    this.page.historyChanged();
    if (!step) {
      this.page.status('Nothing to undo: the gallery has changed no label since it opened.');
      return undefined;
    }
    this.send('undo', step);
    const [first] = step;
    this.page.status(step.length === 1 ? `Undoing: ${first.file} back to ${shownLabel(first.before)}…` : `Undoing ${step.length} labels…`);
    return step;
  }

  /** The host's answer to a setLabel: a label it set is a step of undo; a refused one puts the old one back. */
  onLabelResult(row: RowRef, ok: boolean, message: string | undefined): void {
    const key = rowKey(row);
    const waiting = this.pendingLabels.get(key);
    const change = waiting?.shift();
    if (waiting?.length === 0) this.pendingLabels.delete(key);
    if (ok && change) {
      this.history.record([change]);
      this.page.historyChanged();
    }
    this.page.notice(message);
    if (!ok) this.page.refused(row);
  }

  /** The host's answer to a setLabels. */
  onLabelsResult(editId: number, ok: boolean, message: string | undefined): void {
    const pending = this.pendingChanges.get(editId);
    this.pendingChanges.delete(editId);
    this.page.notice(message);
    if (!pending) return;
    const { reason, changes } = pending;
    if (!ok) {
      this.page.saving(changes, false);
      this.page.status('');
      return;
    }
    if (reason === 'undo') {
      const [first] = changes;
      this.page.status(changes.length === 1 ? `Undone: ${first.file} is ${shownLabel(first.before)} again.` : `Undone: ${changes.length} labels are as they were.`);
      return;
    }
    this.history.record(changes);
    this.page.historyChanged();
    this.page.status(`Accepted ${readings(changes.length)}; Ctrl+Z undoes ${changes.length === 1 ? 'it' : 'them'} at once.`);
  }

  /** Asks the host for a change of several labels at once (`changes` as they are to be made, or as they were made, for an undo). */
  private send(reason: SetLabelsMessage['reason'], changes: LabelChange[]): void {
    this.page.notice(undefined);
    const editId = this.nextEditId++;
    this.pendingChanges.set(editId, { reason, changes });
    const edits = reason === 'undo' ? undoEdits(changes) : changes.map((c) => ({ line: c.line, file: c.file, expected: c.before, label: c.after }));
    this.page.post({ kind: 'setLabels', editId, reason, edits });
  }
}
