import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLineBreaks, encodeCsvField, lineEnd, positionIn, scanCsv } from './csvRecords';

test('scanCsv covers the text end to end with record-relative field offsets', () => {
  const text = 'a,"b,""c"""\r\n"x\ny",\rlast';
  const records = scanCsv(text);
  assert.deepEqual(
    records.map((r) => text.slice(r.start, r.end)),
    ['a,"b,""c"""\r\n', '"x\ny",\r', 'last'],
  );
  assert.deepEqual(records.map((r) => r.fields.map((f) => f.value)), [['a', 'b,"c"'], ['x\ny', ''], ['last']]);
  const [first] = records;
  assert.deepEqual(first.fields.map((f) => [f.start, f.end, f.quoted]), [
    [0, 1, false],
    [2, 11, true],
  ]);
  assert.equal(first.contentEnd, 11);
  assert.deepEqual(scanCsv(''), []);
});

test('scanCsv keeps malformed quoting readable and says what is wrong', () => {
  const [junk] = scanCsv('"a"b,c\n');
  assert.equal(junk.fields[0].value, 'ab');
  assert.match(junk.fields[0].problem ?? '', /after the closing quote/);
  const [unclosed] = scanCsv('"a,b\nc\n');
  assert.equal(unclosed.fields.length, 1);
  assert.equal(unclosed.fields[0].value, 'a,b\nc\n');
  assert.match(unclosed.fields[0].problem ?? '', /never closed/);
});

test('encodeCsvField quotes only when it must, and what it writes reads back', () => {
  assert.equal(encodeCsvField('plain text'), 'plain text');
  assert.equal(encodeCsvField(''), '');
  for (const value of ['a,b', 'say "hi"', 'two\nlines', 'cr\rlf', '"', ',', '\uFEFFbom']) {
    const raw = encodeCsvField(value);
    assert.ok(raw.startsWith('"'), value);
    const [record] = scanCsv(`${raw},next`);
    assert.deepEqual(record.fields.map((f) => f.value), [value, 'next']);
  }
});

test('positions count \\r\\n, \\r and \\n as one line break each, in UTF-16 units', () => {
  const text = 'ab\r\ncd\reé\n数x';
  assert.deepEqual(positionIn(text, text.indexOf('d')), { line: 1, character: 1 });
  assert.deepEqual(positionIn(text, text.indexOf('é')), { line: 2, character: 1 });
  assert.deepEqual(positionIn(text, text.indexOf('x')), { line: 3, character: 1 });
  assert.equal(countLineBreaks(text), 3);
  assert.equal(lineEnd(text, 0), 2);
  assert.equal(lineEnd(text, 4), 6);
  assert.equal(lineEnd('abc', 1), 3);
});
