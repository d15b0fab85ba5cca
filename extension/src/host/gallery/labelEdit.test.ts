import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LineEdit } from '../../dataset/labelsFile';
import { applyLabelEdit, type LabelsEditor } from './labelEdit';

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
function fakeEditor(isDirty: boolean, text: string, accepts = true): LabelsEditor & { applied: LineEdit[] } {
  const applied: LineEdit[] = [];
  return { isDirty, getText: () => text, replace: (edit) => (applied.push(edit), Promise.resolve(accepts)), applied };
}

const TYPED = 'file,label,box,digit_boxes,note\nx/1.png,12,,,typed by the user\nx/./1.png,34,,,it\uFFFDs\nz.png,5,,,\n';
const edit = { line: 2, file: 'x/./1.png', expected: '34', label: '0432' };

test('with unsaved changes in the editor, the edit goes into its document and the disk is left alone', async () => {
  const file = await labelsFile();
  const editor = fakeEditor(true, TYPED);
  assert.equal(await applyLabelEdit(file, edit, editor), 'inUnsavedEditor');
  assert.deepEqual(editor.applied, [{ line: 2, startChar: 10, endChar: 12, newText: '0432' }]);
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
