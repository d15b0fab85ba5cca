import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPredictionsCsv, parsePredictionsCsv, splitCsv, type PredictionRow } from './predictionsCsv';

test('splitCsv handles quotes, doubled quotes, CRLF and a missing final newline', () => {
  assert.deepEqual(splitCsv('a,"b,c","d""e"\r\nf,,g'), [
    ['a', 'b,c', 'd"e'],
    ['f', '', 'g'],
  ]);
});

test('parsePredictionsCsv finds columns by name and keeps leading zeros', () => {
  const text = 'file,label,prediction,confidence,extra\nimg/1.png,0432,0432,0.93,x\nimg/2.png,,-,0.5,\n';
  const { rows, problems } = parsePredictionsCsv(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(rows, [
    { file: 'img/1.png', label: '0432', prediction: '0432', confidence: 0.93 },
    { file: 'img/2.png', label: '', prediction: '-', confidence: 0.5 },
  ]);
});

test('parsePredictionsCsv reports bad records and keeps the good ones', () => {
  const text = 'confidence,prediction,file,label\nabc,12,a.png,12\n0.7,1x,b.png,1\n0.2,>5:12345,c.png,1234567\n';
  const { rows, problems } = parsePredictionsCsv(text);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].file, 'c.png');
  assert.equal(problems.length, 2);
  assert.match(problems[0], /record 2: confidence "abc"/);
  assert.match(problems[1], /record 3: prediction "1x"/);
});

test('parsePredictionsCsv names a missing column', () => {
  assert.deepEqual(parsePredictionsCsv('file,label\na.png,1\n').problems, ['predictions.csv has no prediction, confidence column']);
});

test('predictions.csv round-trips through the reader, including awkward file names', () => {
  const rows: PredictionRow[] = [
    { file: 'img/1.png', label: '19', prediction: '19', confidence: 0.987654 },
    { file: 'odd, "name".png', label: '', prediction: '-', confidence: 0.5 },
    { file: 'x/7.png', label: '1234567', prediction: '>5:12345', confidence: 0.000001 },
  ];
  const text = formatPredictionsCsv(rows);
  assert.match(text, /^file,label,prediction,confidence\n/);
  const parsed = parsePredictionsCsv(text);
  assert.deepEqual(parsed.problems, []);
  assert.deepEqual(parsed.rows, rows);
});
