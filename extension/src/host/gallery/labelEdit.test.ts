import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LineEdit } from '../../dataset/labelsFile';
import { applyLabelEdit, applyLabelEdits, type LabelsEditor } from './labelEdit';

// On disk: CRLF rows, one LF row, a cp1252 byte (0x92): what saving through VS Code would change.
const DISK = Buffer.concat([
  Buffer.from('file,label,box,digit_boxes,note\r\nx/1.png,12,,,\r\nx/./1.png,34,,,it'),
  Buffer.from([0x92]),
  Buffer.from('s\nz.png,5,,,\r\n'),
]);

async function labelsFile(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'label-edit-'));
  const file = path.join(dir, 'labels.csv');
  await fs.writeFile(file, DISK);
  return file;
}

/** A stand-in for the open TextDocument: VS Code's model text (one line end, decoded), and what was applied to it. */
function fakeEditor(isDirty: boolean, text: string, accepts = true): LabelsEditor & { applied: LineEdit[][] } {
  const applied: LineEdit[][] = [];
  return { isDirty, getText: () => text, replace: (edits) => (applied.push([...edits]), Promise.resolve(accepts)), applied };
}

const TYPED = 'file,label,box,digit_boxes,note\nx/1.png,12,,,typed by the user\nx/./1.png,34,,,it\uFFFDs\nz.png,5,,,\n';
const edit = { line: 2, file: 'x/./1.png', expected: '34', label: '0432' };

test('with unsaved changes in the editor, the edit goes into its document and the disk is left alone', async () => {
  const file = await labelsFile();
  const editor = fakeEditor(true, TYPED);
  assert.equal(await applyLabelEdit(file, edit, editor), 'inUnsavedEditor');
  assert.deepEqual(editor.applied, [[{ line: 2, startChar: 10, endChar: 12, newText: '0432' }]]);
  assert.deepEqual(await fs.readFile(file), DISK);
});

test('with no editor, or one without unsaved changes, only the label bytes on disk change', async () => {
  for (const editor of [undefined, fakeEditor(false, TYPED)]) {
    const file = await labelsFile();
    assert.equal(await applyLabelEdit(file, edit, editor), 'written');
    assert.deepEqual(await fs.readFile(file), Buffer.from(DISK.toString('latin1').replace('x/./1.png,34,', 'x/./1.png,0432,'), 'latin1'));
    assert.deepEqual(editor?.applied ?? [], [], 'the document reloads from disk by itself');
  }
});

test("a stale edit is refused in the editor's text as on disk, and nothing is applied", async () => {
  const file = await labelsFile();
  // The user changed the row's label in the editor after the gallery showed it.
  const editor = fakeEditor(true, TYPED.replace('x/./1.png,34', 'x/./1.png,35'));
  await assert.rejects(applyLabelEdit(file, edit, editor), /the row of x\/\.\/1\.png on line 3 changed since the gallery showed it \(now labeled 35\); nothing was written$/);
  assert.deepEqual(editor.applied, []);
  // VS Code refuses the edit (the document moved on between reading and applying).
  await assert.rejects(applyLabelEdit(file, edit, fakeEditor(true, TYPED, false)), /changed while the label was being set/);
  // An invalid label reaches neither.
  const untouched = fakeEditor(true, TYPED);
  await assert.rejects(applyLabelEdit(file, { ...edit, label: '12a' }, untouched), /"12a" is not a label/);
  await assert.rejects(applyLabelEdit(file, { ...edit, label: '1-2' }, undefined), /"1-2" is not a label/);
  assert.deepEqual(untouched.applied, []);
  assert.deepEqual(await fs.readFile(file), DISK);
});

/**
 * An editor as VS Code's is to an extension: getText() is the document now, and an edit applied
 * later is refused when the document moved on since that getText() (the edit carries its version).
 */
function versionedEditor(initial: string): LabelsEditor & { text: string; steps: number } {
  let version = 0;
  let seen = 0;
  const editor = {
    isDirty: true,
    text: initial,
    steps: 0,
    getText: () => ((seen = version), editor.text),
    replace: async (edits: readonly LineEdit[]) => {
      const base = seen;
      await new Promise((resolve) => setImmediate(resolve));
      if (version !== base) return false;
      const lines = editor.text.split('\n');
      for (const e of edits) lines[e.line] = lines[e.line].slice(0, e.startChar) + e.newText + lines[e.line].slice(e.endChar);
      editor.text = lines.join('\n');
      version++;
      editor.steps++;
      return true;
    },
  };
  return editor;
}

test('a batch goes into the unsaved editor as one step, all of it or none', async () => {
  const file = await labelsFile();
  const editor = versionedEditor(TYPED);
  const batch = [
    { line: 3, file: 'z.png', expected: '5', label: '55' },
    { line: 1, file: 'x/1.png', expected: '12', label: '-' },
  ];
  assert.equal(await applyLabelEdits(file, batch, editor), 'inUnsavedEditor');
  assert.equal(editor.steps, 1, 'one undoable step');
  assert.equal(editor.text, TYPED.replace('x/1.png,12,', 'x/1.png,-,').replace('z.png,5,', 'z.png,55,'));
  // One row is not as the page showed it: nothing of the batch is applied.
  const before = editor.text;
  await assert.rejects(applyLabelEdits(file, [{ line: 2, file: 'x/./1.png', expected: '34', label: '1' }, { ...batch[0], expected: '5' }], editor), /line 4 changed since the gallery showed it \(now labeled 55\)/);
  assert.equal(editor.text, before);
  assert.equal(editor.steps, 1);
  assert.deepEqual(await fs.readFile(file), DISK);
});

test('a batch on disk: one write of exactly those fields', async () => {
  const file = await labelsFile();
  const batch = [
    { line: 3, file: 'z.png', expected: '5', label: '' },
    { line: 2, file: 'x/./1.png', expected: '34', label: '0432' },
  ];
  assert.equal(await applyLabelEdits(file, batch, fakeEditor(false, TYPED)), 'written');
  assert.deepEqual(await fs.readFile(file), Buffer.from(DISK.toString('latin1').replace('x/./1.png,34,', 'x/./1.png,0432,').replace('z.png,5,', 'z.png,,'), 'latin1'));
  await assert.rejects(applyLabelEdits(file, batch, undefined), /changed since the gallery showed it \(now unlabeled\)/);
});

test('labels typed at speed take turns: each edit reads what the one before it wrote', async () => {
  // Into the unsaved editor: all sent before the first is applied, as a fast typist's are.
  const editor = versionedEditor(TYPED);
  const dir = await labelsFile();
  await Promise.all([
    applyLabelEdit(dir, { line: 1, file: 'x/1.png', expected: '12', label: '42' }, editor),
    applyLabelEdit(dir, { line: 2, file: 'x/./1.png', expected: '34', label: '7' }, editor),
    applyLabelEdit(dir, { line: 3, file: 'z.png', expected: '5', label: '-' }, editor),
  ]);
  assert.equal(editor.text, TYPED.replace('x/1.png,12,', 'x/1.png,42,').replace('x/./1.png,34,', 'x/./1.png,7,').replace('z.png,5,', 'z.png,-,'));
  // Onto the disk: a refused edit in the queue does not stop the ones after it.
  const file = await labelsFile();
  const outcomes = await Promise.allSettled([
    applyLabelEdit(file, { line: 1, file: 'x/1.png', expected: '12', label: '42' }, undefined),
    applyLabelEdit(file, { line: 1, file: 'x/1.png', expected: '12', label: '43' }, undefined),
    applyLabelEdit(file, { line: 2, file: 'x/./1.png', expected: '34', label: '7' }, undefined),
    applyLabelEdit(file, { line: 3, file: 'z.png', expected: '5', label: '-' }, undefined),
  ]);
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String(o.reason))),
    ['written', 'Error: the row of x/1.png on line 2 changed since the gallery showed it (now labeled 42); nothing was written', 'written', 'written'],
  );
  const text = DISK.toString('latin1').replace('x/1.png,12,', 'x/1.png,42,').replace('x/./1.png,34,', 'x/./1.png,7,').replace('z.png,5,', 'z.png,-,');
  assert.deepEqual(await fs.readFile(file), Buffer.from(text, 'latin1'));
});
