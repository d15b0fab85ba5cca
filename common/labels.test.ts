import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelsDocument, formatLabelsCsv, isValidLabel, labelLength, parseBox, type LabelProblem, type LabelRow } from './labels';
import { mulberry32 } from './mulberry32';

const HEADER = 'file,label,box,digit_boxes';

function only(problems: readonly LabelProblem[]): LabelProblem {
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems)}`);
  return problems[0];
}

/** The characters a problem's range covers in `text` (lines split as LSP does). */
function covered(text: string, p: LabelProblem): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  return lines[p.line].slice(p.startChar, p.endChar);
}

test('reads the example from DESIGN §3', () => {
  const text = `${HEADER}\ntrain/1.png,19,246 77 173 223,246 77 81 219;323 81 96 219\ntrain/2.png,23,77 29 52 86,77 29 24 86;101 29 28 86\ncrops/a.png,-,,\ncrops/b.png,,,\n`;
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.rows, [
    {
      file: 'train/1.png',
      label: '19',
      line: 1,
      box: { left: 246, top: 77, width: 173, height: 223 },
      digitBoxes: [
        { left: 246, top: 77, width: 81, height: 219 },
        { left: 323, top: 81, width: 96, height: 219 },
      ],
    },
    {
      file: 'train/2.png',
      label: '23',
      line: 2,
      box: { left: 77, top: 29, width: 52, height: 86 },
      digitBoxes: [
        { left: 77, top: 29, width: 24, height: 86 },
        { left: 101, top: 29, width: 28, height: 86 },
      ],
    },
    { file: 'crops/a.png', label: '-', line: 3 },
    { file: 'crops/b.png', label: '', line: 4 },
  ]);
});

test('labels: leading zeros kept, more than five digits valid, "-" and "" valid, nothing else', () => {
  for (const ok of ['0432', '0', '1234567890123', '-', '']) assert.ok(isValidLabel(ok), ok);
  for (const bad of [' 1', '1 ', '1-2', '--', 'a', '١٢', '12.0', '+1', '\n']) assert.ok(!isValidLabel(bad), JSON.stringify(bad));
  const doc = LabelsDocument.parse(`${HEADER}\na.png,0432,,\nb.png,12345678,,\n`);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.rows.map((r) => r.label), ['0432', '12345678']);
  assert.equal(labelLength('0432'), 4);
  assert.equal(labelLength('12345678'), 8);
  assert.equal(labelLength('-'), 0);
  assert.throws(() => labelLength(''), RangeError);
  assert.throws(() => labelLength('1a'), RangeError);
});

test('quoted fields: "" escapes, embedded commas and line breaks; line numbers count them', () => {
  const text = `${HEADER}\n"a,""b"".png","19",,\n"x\r\ny.png",7,,\nz.png,8,,\n`;
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(
    doc.rows.map((r) => [r.file, r.label, r.line]),
    [
      ['a,"b".png', '19', 1],
      ['x\r\ny.png', '7', 2],
      ['z.png', '8', 4],
    ],
  );
  assert.equal(doc.toString(), text);
});

test('columns in any order, box columns optional, extra columns kept, header case and spaces ignored', () => {
  const text = 'note, Label ,FILE\n"hello, world",5,a.png\n,,b.png\n';
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.rows, [
    { file: 'a.png', label: '5', line: 1 },
    { file: 'b.png', label: '', line: 2 },
  ]);
  doc.setLabel(1, '42');
  assert.equal(doc.toString(), 'note, Label ,FILE\n"hello, world",5,a.png\n,42,b.png\n');
});

test('round trip is byte-identical over tricky inputs', () => {
  const inputs = [
    '',
    '\n\n',
    '\uFEFF' + `${HEADER}\r\na.png,1,,\r\n`,
    `${HEADER}\r\na.png,1,,\nb.png,2,,\r\n\r\n\nc.png,3,,`,
    `${HEADER}\ra.png,1,,\rb.png,2,,\r`,
    `${HEADER}\n"a.png","1","1 2 3 4","1 2 3 4"\n`,
    `${HEADER},extra\na.png,1,,,"x ""y"", z"\n`,
    `${HEADER}\na.png,1,,\nb.png,1a,,\nbroken,row\n"unclosed,2,,\n`,
    `${HEADER}\n"a"x.png,1,,\n`,
    `${HEADER}\n   \n\t\na.png,  ,,\n`,
    `file,label\na.png,1\n\n\n`,
    `label\n1\n`,
    '\uFEFF',
  ];
  for (const text of inputs) assert.equal(LabelsDocument.parse(text).toString(), text, JSON.stringify(text));
});

test('blank lines are kept and are not rows or problems; whitespace-only lines are blank', () => {
  const text = `\n${HEADER}\n\n  \na.png,1,,\n\n`;
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.rows, [{ file: 'a.png', label: '1', line: 4 }]);
});

test('mixed and lone-CR line ends count lines as an editor does', () => {
  const text = `${HEADER}\r\na.png,1,,\rb.png,2,,\nc.png,x,,\r\n`;
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.rows.map((r) => r.line), [1, 2]);
  const p = only(doc.problems);
  assert.equal(p.line, 3);
  assert.equal(covered(text, p), 'x');
});

test('missing header columns are one error on line 0 and no rows', () => {
  for (const header of ['file,box', 'label,box', 'name,value']) {
    const doc = LabelsDocument.parse(`${header}\na.png,1\n`);
    const p = only(doc.problems);
    assert.equal(p.line, 0);
    assert.equal(p.severity, 'error');
    assert.equal(p.startChar, 0);
    assert.equal(p.endChar, header.length);
    assert.match(p.message, header.includes('file') ? /no label column/ : header.includes('label') ? /no file column/ : /no file or label column/);
    assert.deepEqual(doc.rows, []);
  }
  const empty = only(LabelsDocument.parse('').problems);
  assert.deepEqual([empty.line, empty.startChar, empty.endChar, empty.severity], [0, 0, 0, 'error']);
});

test('a column named twice is an error on the second; the first is used', () => {
  const text = 'file,label,label\na.png,1,2\n';
  const doc = LabelsDocument.parse(text);
  const p = only(doc.problems);
  assert.deepEqual([p.line, p.startChar, p.endChar], [0, 11, 16]);
  assert.deepEqual(doc.rows.map((r) => r.label), ['1']);
});

test('bad label: error on the label field, row left out, quick fixes offered', () => {
  const cases: [string, string, string[]][] = [
    [' 19 ', ' 19 ', ['19']],
    ['No. 0432', 'No. 0432', ['0432']],
    ['"1 9"', '"1 9"', ['19']],
    ['19a', '19a', ['19']],
    ['none', 'none', ['-', '']],
    ['12/34', '12/34', []],
  ];
  for (const [raw, expectCovered, fixes] of cases) {
    const text = `${HEADER}\nok.png,1,,\nx.png,${raw},,\n`;
    const doc = LabelsDocument.parse(text);
    const p = only(doc.problems);
    assert.equal(p.severity, 'error');
    assert.equal(p.line, 2);
    assert.equal(covered(text, p), expectCovered);
    assert.match(p.message, /is not a number/);
    assert.deepEqual((p.fixes ?? []).map((f) => f.newText), fixes, raw);
    assert.deepEqual(doc.rows.map((r) => r.file), ['ok.png']);
    // Applying a fix gives a clean file.
    for (const fix of p.fixes ?? []) {
      const lines = text.split('\n');
      lines[p.line] = lines[p.line].slice(0, p.startChar) + fix.newText + lines[p.line].slice(p.endChar);
      const fixed = LabelsDocument.parse(lines.join('\n'));
      assert.deepEqual(fixed.problems, [], fix.title);
      assert.equal(fixed.rows[1].label, fix.newText);
    }
  }
});

test('bad file path: error on the file field, row left out; backslashes get a fix', () => {
  for (const file of ['../x.png', '/etc/passwd', 'C:/x.png', 'a\\b.png', '', '.']) {
    const raw = file.includes(',') ? `"${file}"` : file;
    const text = `${HEADER}\n${raw},1,,\nok.png,2,,\n`;
    const doc = LabelsDocument.parse(text);
    const p = only(doc.problems);
    assert.deepEqual([p.line, p.severity], [1, 'error']);
    assert.equal(covered(text, p), raw);
    assert.deepEqual(doc.rows.map((r) => r.file), ['ok.png']);
    assert.deepEqual((p.fixes ?? []).map((f) => f.newText), file === 'a\\b.png' ? ['a/b.png'] : [], file);
  }
});

test('a file name with white space around it is a warning with a fix; the row is kept', () => {
  const text = `${HEADER}\n a.png ,1,,\n`;
  const doc = LabelsDocument.parse(text);
  const p = only(doc.problems);
  assert.deepEqual([p.line, p.severity, covered(text, p)], [1, 'warning', ' a.png ']);
  assert.deepEqual(p.fixes?.map((f) => f.newText), ['a.png']);
  assert.deepEqual(doc.rows.map((r) => r.file), [' a.png ']);
});

test('bad box or digit_boxes: error on that field, only the box is dropped', () => {
  const boxes: [string, string][] = [
    ['1 2 3', 'box'],
    ['1 2 3 4 5', 'box'],
    ['-1 2 3 4', 'box'],
    ['1 2 0 4', 'box'],
    ['a b c d', 'box'],
    ['1,5 2 3 4', 'box'],
  ];
  for (const [box] of boxes) {
    const raw = box.includes(',') ? `"${box}"` : box;
    const text = `${HEADER}\na.png,12,${raw},\n`;
    const doc = LabelsDocument.parse(text);
    const p = only(doc.problems);
    assert.equal(p.severity, 'error');
    assert.equal(covered(text, p), raw);
    assert.deepEqual(doc.rows, [{ file: 'a.png', label: '12', line: 1 }]);
  }
  for (const digitBoxes of ['1 2 3 4;', '1 2 3 4;;5 6 7 8', '1 2 3 4;x', '1 2 3 4;1 2 3 0']) {
    const text = `${HEADER}\na.png,12,1 2 3 4,${digitBoxes}\n`;
    const doc = LabelsDocument.parse(text);
    const p = only(doc.problems);
    assert.equal(p.severity, 'error');
    assert.equal(covered(text, p), digitBoxes);
    assert.match(p.message, /^digit_boxes: digit box 2/);
    assert.deepEqual(doc.rows, [{ file: 'a.png', label: '12', line: 1, box: { left: 1, top: 2, width: 3, height: 4 } }]);
  }
  assert.deepEqual(parseBox(' 1.5  2e1 .5 4 '), { left: 1.5, top: 20, width: 0.5, height: 4 });
});

test('wrong field count: error over the row, row left out', () => {
  const text = `${HEADER}\na,b.png,1,,\nc.png,2\nok.png,3,,\n`;
  const doc = LabelsDocument.parse(text);
  assert.equal(doc.problems.length, 2);
  for (const [k, p] of doc.problems.entries()) {
    assert.equal(p.line, k + 1);
    assert.equal(p.startChar, 0);
    assert.equal(covered(text, p), text.split('\n')[k + 1]);
    assert.match(p.message, /expected 4 fields/);
  }
  assert.deepEqual(doc.rows.map((r) => r.file), ['ok.png']);
});

test('duplicate file: warning on the later row, both rows kept', () => {
  const text = `${HEADER}\na/b.png,1,,\nc.png,2,,\na/./b.png,3,,\n`;
  const doc = LabelsDocument.parse(text);
  const p = only(doc.problems);
  assert.deepEqual([p.line, p.severity], [3, 'warning']);
  assert.equal(covered(text, p), 'a/./b.png');
  assert.match(p.message, /line 2/);
  assert.equal(doc.rows.length, 3);
  assert.equal(doc.indexOfFile('a/b.png'), 0);
  assert.equal(doc.indexOfFile('c.png'), 1);
  assert.equal(doc.indexOfFile('nope.png'), -1);
});

test('digit box count differing from the digit count is a warning on digit_boxes', () => {
  const text = `${HEADER}\na.png,123,,1 1 1 1;2 2 2 2\nb.png,-,,1 1 1 1\nc.png,,,1 1 1 1\nd.png,12,,1 1 1 1;2 2 2 2\n`;
  const doc = LabelsDocument.parse(text);
  assert.equal(doc.problems.length, 2);
  const [a, b] = doc.problems;
  assert.deepEqual([a.line, a.severity, covered(text, a)], [1, 'warning', '1 1 1 1;2 2 2 2']);
  assert.match(a.message, /2 digit boxes for a 3-digit label/);
  assert.deepEqual([b.line, b.severity, covered(text, b)], [2, 'warning', '1 1 1 1']);
  assert.equal(doc.rows.length, 4);
  assert.equal(doc.rows[0].digitBoxes?.length, 2);
});

test('malformed quoting is an error on the field', () => {
  const junk = `${HEADER}\n"a"b.png,1,,\nok.png,2,,\n`;
  const p = only(LabelsDocument.parse(junk).problems);
  assert.deepEqual([p.line, p.startChar, p.endChar], [1, 0, 8]);
  assert.match(p.message, /after the closing quote/);
  assert.deepEqual(LabelsDocument.parse(junk).rows.map((r) => r.file), ['ok.png']);

  const unclosed = `${HEADER}\nok.png,2,,\nb.png,"3,,\nc.png,4,,\n`;
  const doc = LabelsDocument.parse(unclosed);
  assert.deepEqual(doc.rows.map((r) => r.file), ['ok.png']);
  assert.ok(doc.problems.length >= 1);
  assert.ok(doc.problems.every((q) => q.line === 2 && q.severity === 'error'));
  assert.ok(doc.problems.some((q) => /never closed|expected 4 fields/.test(q.message)));
  assert.equal(doc.toString(), unclosed);
});

test('setLabel rewrites only that field and keeps every other byte', () => {
  const text = `\uFEFF${HEADER},note\r\n"a.png","1",1 2 3 4,1 2 3 4,"x, ""y"""\r\n\r\nb.png,22,,,z\nc.png,,"5 6 7 8",,\r\n  \nd.png,7,,,`;
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  doc.setLabel(0, '0432');
  doc.setLabel(2, '-');
  doc.setLabel(1, '');
  doc.setLabel(3, '1234567');
  const expected = `\uFEFF${HEADER},note\r\n"a.png",0432,1 2 3 4,1 2 3 4,"x, ""y"""\r\n\r\nb.png,,,,z\nc.png,-,"5 6 7 8",,\r\n  \nd.png,1234567,,,`;
  assert.equal(doc.toString(), expected);
  assert.deepEqual(doc.rows.map((r) => r.label), ['0432', '', '-', '1234567']);
  assert.deepEqual(doc.rows.map((r) => r.line), [1, 3, 4, 6]);
  assert.deepEqual(LabelsDocument.parse(expected).rows, doc.rows);
});

test('setLabel with the same value changes nothing, even a quoted one', () => {
  const text = `${HEADER}\na.png,"19",,\n`;
  const doc = LabelsDocument.parse(text);
  doc.setLabel(0, '19');
  assert.equal(doc.toString(), text);
});

test('setLabel throws on an invalid label or row and changes nothing then', () => {
  const text = `${HEADER}\na.png,1,,\n`;
  const doc = LabelsDocument.parse(text);
  for (const bad of ['1 2', 'x', '1,2', '"1"', '\n']) assert.throws(() => doc.setLabel(0, bad), RangeError);
  assert.throws(() => doc.setLabel(1, '2'), RangeError);
  assert.throws(() => doc.setLabel(-1, '2'), RangeError);
  assert.equal(doc.toString(), text);
});

test('setLabel keeps problems in step: moved ranges, new and cleared digit-count warnings, duplicates kept', () => {
  const text = `${HEADER}\na.png,12,1 2 3,1 1 1 1;2 2 2 2\na.png,1,,\n`;
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems.map((p) => [p.line, p.severity]), [
    [1, 'error'],
    [2, 'warning'],
  ]);
  doc.setLabel(0, '123456');
  const after = doc.toString();
  assert.deepEqual(
    doc.problems.map((p) => [p.line, p.severity, covered(after, p)]),
    [
      [1, 'error', '1 2 3'],
      [1, 'warning', '1 1 1 1;2 2 2 2'],
      [2, 'warning', 'a.png'],
    ],
  );
  assert.deepEqual(doc.problems, LabelsDocument.parse(after).problems);
  doc.setLabel(0, '12');
  assert.deepEqual(doc.problems, LabelsDocument.parse(doc.toString()).problems);
  assert.equal(doc.problems.length, 2);
});

test('fieldRange points at a row\'s fields, before and after an edit', () => {
  const text = `label,file,box\n\n"19",x/a.png,1 2 3 4\n`;
  const doc = LabelsDocument.parse(text);
  assert.equal(covered(text, { ...doc.fieldRange(0, 'file')!, severity: 'error', message: '' }), 'x/a.png');
  assert.deepEqual(doc.fieldRange(0, 'label'), { line: 2, startChar: 0, endChar: 4 });
  assert.equal(doc.fieldRange(0, 'digit_boxes'), undefined);
  assert.equal(doc.fieldRange(1, 'file'), undefined);
  doc.setLabel(0, '123456');
  assert.deepEqual(doc.fieldRange(0, 'file'), { line: 2, startChar: 7, endChar: 14 });
  assert.deepEqual(doc.fieldRange(0, 'box'), { line: 2, startChar: 15, endChar: 22 });
});

test('fieldAt names the column under a position, across quoted line breaks and past the end', () => {
  const doc = LabelsDocument.parse('file,label,box\na.png,1,\n\n"x\ny.png",2,1 2 3 4\n');
  const at = (line: number, character: number) => doc.fieldAt(line, character);
  assert.equal(at(0, 1), undefined, 'the header is no field to fill');
  assert.deepEqual(at(1, 0), { column: 'file', line: 1, startChar: 0 });
  assert.deepEqual(at(1, 5), { column: 'file', line: 1, startChar: 0 });
  assert.deepEqual(at(1, 6), { column: 'label', line: 1, startChar: 6 });
  assert.deepEqual(at(1, 8), { column: 'box', line: 1, startChar: 8 });
  assert.deepEqual(at(2, 0), { column: 'file', line: 2, startChar: 0 });
  assert.deepEqual(at(4, 2), { column: 'file', line: 3, startChar: 0 });
  assert.deepEqual(at(4, 7), { column: 'label', line: 4, startChar: 7 });
  assert.deepEqual(at(5, 0), { column: 'file', line: 5, startChar: 0 });
  assert.equal(LabelsDocument.parse('').fieldAt(0, 0), undefined);
  assert.deepEqual(LabelsDocument.parse('label,file\n1,').fieldAt(1, 2), { column: 'file', line: 1, startChar: 2 });
});

test('problemsOfRow gives a kept row its own problems, also below its first line', () => {
  const doc = LabelsDocument.parse(`${HEADER}\n"multi\nline.png",1,"1 2\n3",\nok.png,2,,\nok.png,3,,1 1 1 1;2 2 2 2\n`);
  assert.deepEqual(doc.rows.map((r) => r.line), [1, 4, 5]);
  const first = doc.problemsOfRow(0);
  assert.equal(first.length, 1);
  assert.equal(first[0].line, 2, 'the box error sits on the line where the box starts');
  assert.deepEqual(doc.problemsOfRow(1), []);
  assert.deepEqual(doc.problemsOfRow(2).map((p) => p.severity), ['warning', 'warning']);
  assert.deepEqual(doc.problemsOfRow(3), []);
});

test('formatLabelsCsv writes a file that parses back to the same rows', () => {
  const rows = [
    { file: 'train/1.png', label: '19', box: { left: 246, top: 77, width: 173, height: 223 }, digitBoxes: [{ left: 246, top: 77, width: 81.5, height: 219 }, { left: 323, top: 81, width: 96, height: 1e-7 }] },
    { file: 'odd, "name".png', label: '0432' },
    { file: 'c.png', label: '-' },
    { file: 'd.png', label: '' },
  ];
  const text = formatLabelsCsv(rows);
  assert.ok(text.startsWith(`${HEADER}\n`));
  assert.ok(text.endsWith('\n') && !text.includes('\r'));
  const doc = LabelsDocument.parse(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(
    doc.rows.map(({ line: _line, ...r }) => r),
    rows,
  );
  assert.equal(formatLabelsCsv([]), `${HEADER}\n`);
  assert.throws(() => formatLabelsCsv([{ file: 'a.png', label: '1 2' }]), RangeError);
  assert.throws(() => formatLabelsCsv([{ file: '../a.png', label: '1' }]), RangeError);
  assert.throws(() => formatLabelsCsv([{ file: 'a.png', label: '1', box: { left: 0, top: 0, width: 0, height: 1 } }]), RangeError);
  assert.throws(() => formatLabelsCsv([{ file: 'a.png', label: '1', box: { left: Number.NaN, top: 0, width: 1, height: 1 } }]), RangeError);
});

// ---- Property-style: many generated files, each checked against what the generator wrote. ----

// mulberry32: a seeded PRNG, so a failure names a seed that reproduces it.
const prng = mulberry32;

interface GeneratedRow {
  /** Raw CSV of each field, in column order; the label's index is `labelCol`. */
  raws: string[];
  ending: string;
  valid: boolean;
  file: string;
  label: string;
  line: number;
}

function generate(seed: number) {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const encode = (v: string) => (/[",\r\n]/.test(v) || chance(0.25) ? `"${v.replace(/"/g, '""')}"` : v);
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');
  const box = () => `${Math.floor(rand() * 300)} ${Math.floor(rand() * 300)} ${1 + Math.floor(rand() * 90)} ${(1 + rand() * 90).toFixed(1)}`;
  const lineEnding = () => pick(['\n', '\r\n']);

  const columns = ['file', 'label', ...(chance(0.8) ? ['box'] : []), ...(chance(0.8) ? ['digit_boxes'] : []), ...(chance(0.4) ? ['note'] : []), ...(chance(0.2) ? ['source'] : [])];
  for (let k = columns.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [columns[k], columns[j]] = [columns[j], columns[k]];
  }
  const labelCol = columns.indexOf('label');
  let text = chance(0.3) ? '\uFEFF' : '';
  text += columns.map(encode).join(',') + lineEnding();
  let line = 1;
  const rows: GeneratedRow[] = [];
  const count = Math.floor(rand() * 30);
  for (let i = 0; i < count; i++) {
    while (chance(0.15)) {
      const blank = pick(['', '  ', '\t']) + lineEnding();
      text += blank;
      line++;
    }
    const file = `${pick(['', 'train/', 'a b/', 'x,y/', 'q"uote/', 'é/数/'])}${i}${pick(['.png', '.jpg', ' .png', ',v.png', '\n.png'])}`;
    const kind = rand();
    const length = 1 + Math.floor(rand() * 8);
    let label = kind < 0.1 ? '-' : kind < 0.2 ? '' : digits(length);
    let valid = true;
    if (chance(0.08)) {
      label = pick(['1a', ' 12', 'x', '1 2', 'n/a']);
      valid = false;
    }
    const values = columns.map((c) => {
      if (c === 'file') return file;
      if (c === 'label') return label;
      if (c === 'box') return chance(0.5) ? box() : '';
      if (c === 'digit_boxes') return valid && /^[0-9]+$/.test(label) && chance(0.5) ? Array.from({ length: label.length }, box).join(';') : '';
      return pick(['', 'plain', 'with, comma', 'say "hi"', 'two\nlines', 'crlf\r\nin it']);
    });
    const raws = values.map(encode);
    if (chance(0.05)) {
      raws.push('extra');
      valid = false;
    }
    const ending = i === count - 1 && chance(0.5) ? '' : lineEnding();
    rows.push({ raws, ending, valid, file, label, line });
    const rowText = raws.join(',') + ending;
    text += rowText;
    line += (rowText.match(/\r\n|\r|\n/g) ?? []).length;
  }
  return { text, rows, labelCol, rand };
}

test('property: parse -> toString is identity; rows and problems match what was generated', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { text, rows } = generate(seed);
    const doc = LabelsDocument.parse(text);
    assert.equal(doc.toString(), text, `seed ${seed}`);
    const valid = rows.filter((r) => r.valid);
    assert.deepEqual(
      doc.rows.map((r) => [r.file, r.label, r.line]),
      valid.map((r) => [r.file, r.label, r.line]),
      `seed ${seed}`,
    );
    // A problem sits on the line of its field, which a quoted line break may push below the row's first line.
    const lastLine = (r: GeneratedRow) => r.line + (r.raws.join(',').match(/\r\n|\r|\n/g) ?? []).length;
    const rowOf = (line: number) => rows.findIndex((r) => r.line <= line && line <= lastLine(r));
    const rowsWithProblems = [...new Set(doc.problems.map((p) => rowOf(p.line)))];
    const invalidRows = rows.flatMap((r, k) => (r.valid ? [] : [k]));
    assert.deepEqual(rowsWithProblems, invalidRows, `seed ${seed}`);
    assert.ok(doc.problems.every((p) => p.severity === 'error'), `seed ${seed}`);
  }
});

test('property: parse -> setLabel -> parse reads the new label back and every other byte is unchanged', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { text, rows, labelCol, rand } = generate(seed);
    const doc = LabelsDocument.parse(text);
    assert.equal(doc.toString(), text);
    const valid = rows.filter((r) => r.valid);
    if (valid.length === 0) continue;
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const index = Math.floor(rand() * valid.length);
      const roll = rand();
      const label = roll < 0.15 ? '-' : roll < 0.3 ? '' : String(Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 9)))).padStart(1 + Math.floor(rand() * 4), '0');
      doc.setLabel(index, label);
      const row = valid[index];
      if (row.label !== label) row.raws[labelCol] = label;
      row.label = label;
    }
    // Rebuild the expected text from the original: each row's bytes replaced in order, the header
    // and blank lines between them as they were.
    const { text: original, rows: originalRows } = generate(seed);
    let expected = '';
    let at = 0;
    for (let k = 0; k < originalRows.length; k++) {
      const before = originalRows[k].raws.join(',') + originalRows[k].ending;
      const start = original.indexOf(before, at);
      assert.ok(start >= 0, `seed ${seed}: row ${k} not found`);
      expected += original.slice(at, start) + rows[k].raws.join(',') + rows[k].ending;
      at = start + before.length;
    }
    expected += original.slice(at);
    assert.equal(doc.toString(), expected, `seed ${seed}`);
    const reread = LabelsDocument.parse(doc.toString());
    assert.deepEqual(reread.rows, doc.rows, `seed ${seed}`);
    assert.deepEqual(reread.rows.map((r) => r.label), valid.map((r) => r.label), `seed ${seed}`);
  }
});

test('property: readRows gives the rows parse gives, and counts its errors, first one first', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const { text } = generate(seed);
    const doc = LabelsDocument.parse(text);
    const rows: LabelRow[] = [];
    const read = LabelsDocument.readRows(text, (row) => {
      rows.push(row);
    });
    assert.deepEqual(rows, doc.rows, `seed ${seed}`);
    const errors = doc.problems.filter((p) => p.severity === 'error');
    assert.equal(read.errors, errors.length, `seed ${seed}`);
    assert.deepEqual(read.firstError, errors[0], `seed ${seed}`);
  }
  for (const text of ['', '\n\n', 'name,value\nx.png,1\n', '\uFEFFfile,label\r\n\r\na.png,12\r\n']) {
    const read = LabelsDocument.readRows(text, () => undefined);
    const errors = LabelsDocument.parse(text).problems.filter((p) => p.severity === 'error');
    assert.equal(read.errors, errors.length, JSON.stringify(text));
    assert.deepEqual(read.firstError, errors[0], JSON.stringify(text));
  }
});
