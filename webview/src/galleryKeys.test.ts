import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandForKey, KEY_HELP, type GalleryCommand, type KeyPress } from './galleryKeys';

const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}): GalleryCommand | undefined =>
  commandForKey({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });
const move = (m: string, extend = false, keepSelection = false): GalleryCommand => ({ kind: 'move', move: m, extend, keepSelection }) as GalleryCommand;

test('arrows and h j k l move; Shift extends the selection, Ctrl or Cmd moves alone', () => {
  assert.deepEqual(press('ArrowDown'), move('down'));
  assert.deepEqual(press('j'), move('down'));
  assert.deepEqual(press('k'), move('up'));
  assert.deepEqual(press('h'), move('left'));
  assert.deepEqual(press('l'), move('right'));
  assert.deepEqual(press('L', { shiftKey: true }), move('right', true));
  assert.deepEqual(press('ArrowLeft', { shiftKey: true }), move('left', true));
  assert.deepEqual(press('ArrowLeft', { ctrlKey: true }), move('left', false, true));
  assert.deepEqual(press('ArrowUp', { metaKey: true }), move('up', false, true));
  assert.deepEqual(press('Home'), move('home'));
  assert.deepEqual(press('End', { shiftKey: true }), move('end', true));
  assert.deepEqual(press('PageDown'), move('pageDown'));
  assert.deepEqual(press('PageUp'), move('pageUp'));
  // VS Code's own: Ctrl+J toggles the panel, Ctrl+K starts chords; Alt is never the gallery's.
  assert.equal(press('j', { ctrlKey: true }), undefined);
  assert.equal(press('k', { metaKey: true }), undefined);
  assert.equal(press('ArrowDown', { altKey: true }), undefined);
  assert.equal(press('PageDown', { ctrlKey: true }), undefined, 'Ctrl+PageDown switches editor tabs');
  assert.equal(press('PageUp', { metaKey: true }), undefined);
});

test('digits and - start a label; Enter or F2 edits; Tab accepts; Space inspects', () => {
  for (const digit of '0123456789') assert.deepEqual(press(digit), { kind: 'type', text: digit });
  assert.deepEqual(press('-'), { kind: 'type', text: '-' });
  assert.equal(press('1', { ctrlKey: true }), undefined, 'Ctrl+1 focuses an editor group in VS Code');
  assert.deepEqual(press('Enter'), { kind: 'edit' });
  assert.deepEqual(press('F2'), { kind: 'edit' });
  assert.deepEqual(press('Tab'), { kind: 'accept' });
  assert.equal(press('Tab', { shiftKey: true }), undefined, 'Shift+Tab leaves the grid');
  assert.deepEqual(press(' '), { kind: 'inspect' });
  assert.deepEqual(press(' ', { ctrlKey: true }), { kind: 'toggle' });
  assert.deepEqual(press(' ', { metaKey: true }), { kind: 'toggle' });
});

test('Ctrl or Cmd with A selects all, with Z undoes; Escape, ?, / and r', () => {
  assert.deepEqual(press('a', { ctrlKey: true }), { kind: 'selectAll' });
  assert.deepEqual(press('z', { ctrlKey: true }), { kind: 'undo' });
  assert.deepEqual(press('z', { metaKey: true }), { kind: 'undo' });
  assert.deepEqual(press('Z', { ctrlKey: true, shiftKey: true }), undefined, 'redo is not the gallery’s');
  assert.equal(press('z'), undefined);
  assert.equal(press('a'), undefined);
  assert.deepEqual(press('Escape'), { kind: 'collapse' });
  assert.deepEqual(press('?', { shiftKey: true }), { kind: 'help' });
  assert.deepEqual(press('/'), { kind: 'find' });
  assert.deepEqual(press('r'), { kind: 'reveal' });
  assert.deepEqual(press('f'), { kind: 'cycleFilter', step: 1 });
  assert.deepEqual(press('F', { shiftKey: true }), { kind: 'cycleFilter', step: -1 });
  assert.deepEqual(press('o'), { kind: 'cycleSort', step: 1 });
  assert.deepEqual(press('O', { shiftKey: true }), { kind: 'cycleSort', step: -1 });
  assert.equal(press('f', { ctrlKey: true }), undefined, "Ctrl+F is VS Code's find");
  assert.equal(press('s', { ctrlKey: true }), undefined, "Ctrl+S stays VS Code's");
  assert.equal(press('x'), undefined);
});

test('the cheat sheet names every key the gallery answers', () => {
  const sheet = KEY_HELP.map((row) => row.keys).join('  ');
  for (const key of ['h', 'j', 'k', 'l', 'Home', 'End', 'PageUp', 'PageDown', 'Enter', 'F2', 'Escape', 'Tab', 'Space', 'Ctrl+A', 'Ctrl+Z', 'Ctrl+Space', '?', '/', 'r', '-', 'f', 'o', 'Shift+F', 'Shift+O']) {
    assert.ok(sheet.split(/\s+/).some((word) => word === key || word.split('+').includes(key) || word === `${key}`), `${key} is on the cheat sheet`);
  }
});
