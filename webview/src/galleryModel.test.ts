import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROP_LENGTHS, encodeCrops, NO_LENGTH } from '../../common/galleryColumns';
import type { GalleryCrop, GalleryFilter, GallerySort, RowRef, Step } from '../../common/webviewProtocol';
import { CropTable } from './cropTable';
import { countRows, emptyText, filterRows, neighbourRow, noOfferReason, readingOffer, sortRows, summarize as summarizeTable, viewTitle, type GalleryQuery } from './galleryModel';

// The model works on a CropTable (the columns the host sends); these say the same of crop arrays.
const tableOf = (crops: readonly GalleryCrop[]): CropTable => new CropTable(encodeCrops(crops));
const filterCrops = (crops: GalleryCrop[], query: GalleryQuery): GalleryCrop[] => [...filterRows(tableOf(crops), query)].map((i) => crops[i]);
const sortCrops = (crops: GalleryCrop[], sort: GallerySort): GalleryCrop[] =>
  [...sortRows(tableOf(crops), Uint32Array.from(crops.keys()), sort)].map((i) => crops[i]);
const countCrops = (crops: GalleryCrop[], query: GalleryQuery): ReturnType<typeof countRows> => countRows(tableOf(crops), query);
const summarize = (crops: GalleryCrop[]): ReturnType<typeof summarizeTable> => summarizeTable(tableOf(crops));
const neighbourCrop = (crops: GalleryCrop[], query: GalleryQuery, sort: GallerySort, from: RowRef, step: Step): ReturnType<typeof neighbourRow> =>
  neighbourRow(tableOf(crops), query, sort, from, step);
const cropLength = (crop: GalleryCrop): string | undefined => {
  const code = encodeCrops([crop]).lengths[0];
  return code === NO_LENGTH ? undefined : CROP_LENGTHS[code];
};

/** A query of one filter, any length, any text, the default threshold. */
const only = (filter: GalleryFilter, narrower: Partial<GalleryQuery> = {}): GalleryQuery => ({ filter, length: 'any', text: '', lowConfidenceBelow: 0.5, ...narrower });

test('filters and counts follow the prediction/label comparison', () => {
  const crops: GalleryCrop[] = [
    { file: 'a', line: 1, label: '1', prediction: { text: '1', length: 1, confidence: 1, matchesLabel: true } },
    { file: 'b', line: 2, label: '2', prediction: { text: '7', length: 1, confidence: 1, matchesLabel: false } },
    { file: 'c', line: 3, label: '' },
    { file: 'd', line: 4, label: '4' },
  ];
  assert.deepEqual(filterCrops(crops, only('mismatches')).map((c) => c.file), ['b']);
  assert.deepEqual(filterCrops(crops, only('unlabeled')).map((c) => c.file), ['c']);
  assert.equal(filterCrops(crops, only('all')).length, 4);
  assert.deepEqual(summarize(crops), { total: 4, mismatches: 1, unlabeled: 1, likelyErrors: 0 });
});

test('sorting by confidence keeps file order for ties and puts crops without a prediction last', () => {
  const crop = (file: string, confidence?: number): GalleryCrop => ({
    file,
    // Each crop its own line, in the order they are listed (rows come in line order).
    line: file.charCodeAt(0),
    label: '1',
    prediction: confidence === undefined ? undefined : { text: '1', length: 1, confidence, matchesLabel: true },
  });
  const crops = [crop('a', 0.5), crop('b'), crop('c', 0.9), crop('d', 0.5), crop('e', 0.1)];
  assert.deepEqual(sortCrops(crops, 'confidenceDescending').map((c) => c.file), ['c', 'a', 'd', 'e', 'b']);
  assert.deepEqual(sortCrops(crops, 'confidenceAscending').map((c) => c.file), ['e', 'a', 'd', 'c', 'b']);
  assert.deepEqual(sortCrops(crops, 'file').map((c) => c.file), ['a', 'b', 'c', 'd', 'e']);
});

test('likely label errors: filtered from even odds up, and sorted likeliest first', () => {
  const crop = (file: string, score?: number): GalleryCrop => ({
    file,
    // Each crop its own line, in the order they are listed (rows come in line order).
    line: file.charCodeAt(0),
    label: '12',
    issue: score === undefined ? undefined : { score, suggestion: '21', suggestionProbability: score, position: 'S1' },
  });
  const crops = [crop('a', 0.2), crop('b', 0.97), crop('c'), crop('d', 0.5), crop('e', 0.49)];
  assert.deepEqual(filterCrops(crops, only('likelyErrors')).map((c) => c.file), ['b', 'd']);
  assert.equal(summarize(crops).likelyErrors, 2);
  assert.deepEqual(sortCrops(crops, 'errorScore').map((c) => c.file), ['b', 'd', 'e', 'a', 'c']);
});

test("the inspector's next and previous follow the gallery's filter and order, from rows it no longer shows too", () => {
  const crop = (file: string, line: number, label: string, text?: string, confidence = 0.5): GalleryCrop => ({
    file,
    line,
    label,
    prediction: text === undefined ? undefined : { text, length: text.length, confidence, matchesLabel: label === '' || text === label },
  });
  const crops = [
    crop('a', 1, '1', '7', 0.2), // mismatch
    crop('b', 2, '2', '2', 0.9),
    crop('c', 3, '3', '8', 0.95), // mismatch
    crop('a', 4, '4', '9', 0.6), // mismatch: the same image on another line is another row
    crop('e', 5, ''),
  ];
  const at = (file: string, line: number): RowRef => ({ file, line });
  // File order, everything: plain neighbours, and the ends say so.
  assert.deepEqual(neighbourCrop(crops, only('all'), 'file', at('b', 2), 1), { status: 'found', file: 'c', line: 3, position: 2, count: 5, view: 'All · File order' });
  assert.deepEqual(neighbourCrop(crops, only('all'), 'file', at('b', 2), -1), { status: 'found', file: 'a', line: 1, position: 0, count: 5, view: 'All · File order' });
  assert.deepEqual(neighbourCrop(crops, only('all'), 'file', at('e', 5), 1), { status: 'end', count: 5, view: 'All · File order' });
  assert.deepEqual(neighbourCrop(crops, only('all'), 'file', at('a', 1), -1), { status: 'end', count: 5, view: 'All · File order' });
  // Mismatches, most confident first: c (0.95), a@4 (0.6), a@1 (0.2).
  const next = (from: RowRef, step: Step = 1): string => {
    const n = neighbourCrop(crops, only('mismatches'), 'confidenceDescending', from, step);
    return n.status === 'found' ? `${n.file}@${n.line} ${n.position + 1}/${n.count}` : n.status;
  };
  assert.equal(next(at('c', 3)), 'a@4 2/3');
  assert.equal(next(at('a', 4)), 'a@1 3/3');
  assert.equal(next(at('a', 1)), 'end');
  assert.equal(next(at('a', 1), -1), 'a@4 2/3');
  // b (0.9, read right) is not shown, but its place in the order says what comes after it.
  assert.equal(next(at('b', 2)), 'a@4 2/3');
  assert.equal(next(at('b', 2), -1), 'c@3 1/3');
  // A row the gallery does not have: the caller falls back to the file's order.
  assert.deepEqual(neighbourCrop(crops, only('all'), 'file', at('a', 2), 1), { status: 'unknown' });
  assert.deepEqual(neighbourCrop(crops, only('unlabeled'), 'file', at('a', 1), 1), { status: 'found', file: 'e', line: 5, position: 0, count: 1, view: 'Unlabeled · File order' });
});

/** Crops of every kind the filters tell apart. */
function sample(): GalleryCrop[] {
  const read = (text: string, confidence: number, label: string): GalleryCrop['prediction'] => ({
    text,
    length: text === '-' ? 0 : text.startsWith('>') ? '>5' : text.length,
    confidence,
    matchesLabel: label === '' || label === text,
  });
  return [
    { file: 'train/a.png', line: 1, label: '12', prediction: read('12', 0.9, '12') },
    { file: 'train/b.png', line: 2, label: '12', prediction: read('17', 0.3, '12') }, // mismatch, low
    { file: 'train/c.png', line: 3, label: '', prediction: read('345', 0.8, '') }, // unlabeled, read as 3 digits
    { file: 'extra/d.png', line: 4, label: '-', prediction: read('-', 0.45, '-') }, // no number, low
    { file: 'extra/e.png', line: 5, label: '', prediction: read('>5:12345', 0.2, '') }, // unlabeled, long, low
    { file: 'extra/f.png', line: 6, label: '1234567' }, // not read yet
    { file: 'extra/g.png', line: 7, label: '' }, // neither labeled nor read
    {
      file: 'train/h.png',
      line: 8,
      label: '407',
      prediction: read('407', 0.7, '407'),
      issue: { score: 0.9, suggestion: '470', suggestionProbability: 0.6, position: 'S2' },
    },
  ];
}

test('the length of a crop: its label, or while unlabeled the reading', () => {
  assert.deepEqual(
    sample().map(cropLength),
    ['2', '2', '3', '0', '>5', '>5', undefined, '3'],
  );
});

test('low confidence: read below the threshold, which the user moves; unread crops are not in it', () => {
  const files = (below: number): string[] => filterCrops(sample(), only('lowConfidence', { lowConfidenceBelow: below })).map((c) => c.file);
  assert.deepEqual(files(0.5), ['train/b.png', 'extra/d.png', 'extra/e.png']);
  assert.deepEqual(files(0.3), ['extra/e.png'], 'strictly below');
  assert.deepEqual(files(0.95), ['train/a.png', 'train/b.png', 'train/c.png', 'extra/d.png', 'extra/e.png', 'train/h.png']);
  assert.deepEqual(files(0), []);
});

test('length and text narrow any filter; text matches the label or the file name, ignoring case', () => {
  const files = (q: GalleryQuery): string[] => filterCrops(sample(), q).map((c) => c.file);
  assert.deepEqual(files(only('all', { length: '3' })), ['train/c.png', 'train/h.png']);
  assert.deepEqual(files(only('unlabeled', { length: '3' })), ['train/c.png']);
  assert.deepEqual(files(only('all', { length: '0' })), ['extra/d.png']);
  assert.deepEqual(files(only('all', { length: '>5' })), ['extra/e.png', 'extra/f.png']);
  assert.deepEqual(files(only('all', { text: '12' })), ['train/a.png', 'train/b.png', 'extra/f.png'], 'labels containing 12, not the reading');
  assert.deepEqual(files(only('all', { text: '  EXTRA/ ' })), ['extra/d.png', 'extra/e.png', 'extra/f.png', 'extra/g.png']);
  assert.deepEqual(files(only('all', { text: '-' })), ['extra/d.png'], "'-' finds the crops labeled no number");
  assert.deepEqual(files(only('mismatches', { text: 'train', length: '2' })), ['train/b.png']);
  assert.deepEqual(files(only('all', { text: 'zzz' })), []);
});

test("each filter's count is what choosing it shows, the other choices as they are", () => {
  const check = (q: GalleryQuery): void => {
    const counts = countCrops(sample(), q);
    for (const filter of Object.keys(counts.filters) as GalleryFilter[]) {
      assert.equal(counts.filters[filter], filterCrops(sample(), { ...q, filter }).length, `${filter} under ${JSON.stringify(q)}`);
    }
    for (const length of Object.keys(counts.lengths) as GalleryQuery['length'][]) {
      assert.equal(counts.lengths[length], filterCrops(sample(), { ...q, length }).length, `${length} under ${JSON.stringify(q)}`);
    }
  };
  check(only('all'));
  check(only('unlabeled', { length: '3' }));
  check(only('lowConfidence', { text: 'extra', lowConfidenceBelow: 0.25 }));
  check(only('mismatches', { length: '>5', text: 'q' }));
  assert.deepEqual(countCrops(sample(), only('all')), {
    filters: { all: 8, unlabeled: 3, mismatches: 1, lowConfidence: 3, likelyErrors: 1 },
    lengths: { any: 8, '0': 1, '1': 0, '2': 2, '3': 2, '4': 0, '5': 0, '>5': 2 },
  });
  assert.deepEqual(countCrops(sample(), only('unlabeled', { text: 'train' })), {
    filters: { all: 4, unlabeled: 1, mismatches: 1, lowConfidence: 1, likelyErrors: 1 },
    lengths: { any: 1, '0': 0, '1': 0, '2': 0, '3': 1, '4': 0, '5': 0, '>5': 0 },
  });
});

test('the view in words, as the inspector names where its next crop comes from', () => {
  assert.equal(viewTitle(only('all'), 'file'), 'All · File order');
  assert.equal(viewTitle(only('lowConfidence', { lowConfidenceBelow: 0.35, length: '4', text: ' 12 ' }), 'confidenceAscending'), 'Low confidence (below 35%) · 4 digits · containing “12” · Least confident first');
  const next = neighbourCrop(sample(), only('all', { length: '3' }), 'file', { line: 3, file: 'train/c.png' }, 1);
  assert.deepEqual(next, { status: 'found', line: 8, file: 'train/h.png', position: 1, count: 2, view: 'All · 3 digits · File order' });
});

test("the reading one action accepts: the finder's suggestion, else the reading where it differs; from even odds only", () => {
  const offers = sample().map((c) => readingOffer(c) ?? noOfferReason(c));
  assert.deepEqual(offers, [
    'the model reads it as labeled',
    "the model's reading is below even odds (30%)",
    '345',
    'the model reads it as labeled',
    'the model reads more than five digits, and gives only five',
    'the model has not read it yet',
    'the model has not read it yet',
    '470',
  ]);
  const [, low] = sample();
  assert.equal(readingOffer({ ...low, prediction: { text: '17', length: 2, confidence: 0.5, matchesLabel: false } }), '17', 'even odds are enough');
  const suspect = sample()[7];
  assert.equal(readingOffer({ ...suspect, issue: { score: 0.9, suggestion: '470', suggestionProbability: 0.4, position: 'S2' } }), undefined);
  assert.equal(noOfferReason({ ...suspect, issue: { score: 0.9, suggestion: '470', suggestionProbability: 0.4, position: 'S2' } }), "the finder's suggestion is below even odds");
});

test('an empty gallery says why: no crops, nothing of that length or text, or nothing under the filter', () => {
  const data = { table: tableOf(sample()), hasPredictions: true };
  assert.equal(emptyText({ table: tableOf([]), hasPredictions: false }, only('mismatches')), 'The labels file lists no crops.');
  assert.equal(emptyText(data, only('mismatches', { text: 'zz' })), 'No crop of this filter has that length or text.');
  assert.equal(emptyText(data, only('lowConfidence', { lowConfidenceBelow: 0.1 })), 'The model reads every crop with a confidence of 10% or more.');
  assert.equal(emptyText({ ...data, hasPredictions: false }, only('lowConfidence')), 'No predictions yet: train a model first.');
});

test('a file set shows only its crops, and the counts count only them', () => {
  const crop = (file: string, label: string, reading: string): GalleryCrop => ({
    file,
    // Each crop its own line, in the order they are listed (rows come in line order).
    line: file.charCodeAt(0),
    label,
    prediction: { text: reading, length: 1, confidence: 0.9, matchesLabel: label === reading },
  });
  const crops = [crop('a.png', '1', '1'), crop('b.png', '2', '3'), crop('c.png', '', '4')];
  const query: GalleryQuery = { filter: 'all', length: 'any', text: '', lowConfidenceBelow: 0.5, files: new Set(['b.png', 'c.png']) };
  assert.deepEqual(filterCrops(crops, query).map((c) => c.file), ['b.png', 'c.png']);
  const counts = countRows(tableOf(crops), query);
  assert.equal(counts.filters.all, 2);
  assert.equal(counts.filters.unlabeled, 1);
  assert.equal(emptyText({ table: tableOf(crops), hasPredictions: true }, { ...query, files: new Set(['gone.png']) }), 'No crop of this set is in the labels file any more.');
});

test('the columns give back the crops they were made of, and the text filter finds a text across the joined column only within a row', () => {
  const crops = sample();
  const table = tableOf(crops);
  assert.deepEqual(Array.from({ length: table.count }, (_, i) => table.crop(i)), crops);
  // 'g.pngtrain' spans two rows' file names in the joined text: no row holds it.
  assert.deepEqual(filterCrops(crops, only('all', { text: 'g.pngtrain' })), []);
  assert.deepEqual(filterCrops(crops, only('all', { text: 'H.PNG' })).map((c) => c.file), ['train/h.png']);
  assert.equal(table.rowOf({ line: 8, file: 'train/h.png' }), 7);
  assert.equal(table.rowOf({ line: 8, file: 'train/x.png' }), -1, 'the line with another file is not the row');
  assert.equal(table.rowOf({ line: 99, file: 'train/h.png' }), -1);
});

test('a file name whose lower case changes length (İ) is still found, row by row', () => {
  const crops: GalleryCrop[] = [
    { file: 'İstanbul/1.png', line: 1, label: '1' },
    { file: 'izmir/2.png', line: 2, label: '2' },
  ];
  assert.deepEqual(filterCrops(crops, only('all', { text: 'izmir' })).map((c) => c.line), [2]);
  assert.deepEqual(filterCrops(crops, only('all', { text: '1.png' })).map((c) => c.line), [1]);
});
