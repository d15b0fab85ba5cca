// Writes digitStruct.mat files shaped like SVHN's format 1 (MATLAB v7.3 as MATLAB lays it out:
// every referenced object in /#refs#; digitStruct/name and digitStruct/bbox hold object references;
// a bbox field holds its value inline for one digit, references to 1x1 doubles for several), with
// h5wasm, for tests and bench/importSvhn.ts. No MATLAB header block or MATLAB_class attributes:
// the importer does not read them (the real sample files, which have both, are tested too).
import type { File as H5File, Group, Reference } from 'h5wasm';

export interface WrittenDigit {
  label: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface WrittenEntry {
  name: string;
  digits: readonly WrittenDigit[];
}

const FIELDS = ['height', 'label', 'left', 'top', 'width'] as const;

export type H5wasm = (typeof import('h5wasm'))['default'];

export async function h5wasmForTests(): Promise<H5wasm> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  return h5wasm;
}

/** Names /#refs# members like MATLAB does: short, unique, in creation order. */
export class RefsGroup {
  private next = 0;
  constructor(readonly group: Group) {}

  name(): string {
    return (this.next++).toString(36);
  }

  /** A 1x1 double in /#refs#, and a reference to it. */
  scalar(value: number): Reference {
    return this.group.create_dataset({ name: this.name(), data: new Float64Array([value]), shape: [1, 1] }).create_reference();
  }

  /** A MATLAB char array (uint16 code units, n x 1) in /#refs#, and a reference to it. */
  chars(text: string): Reference {
    return this.group.create_dataset({ name: this.name(), data: Uint16Array.from(text, (c) => c.charCodeAt(0)), shape: [text.length, 1] }).create_reference();
  }

  /** A bbox struct group in /#refs#, and a reference to it. */
  bbox(digits: readonly WrittenDigit[]): Reference {
    const group = this.group.create_group(this.name());
    for (const field of FIELDS) {
      const values = digits.map((d) => d[field]);
      if (values.length === 1) group.create_dataset({ name: field, data: new Float64Array(values), shape: [1, 1] });
      else group.create_dataset({ name: field, data: values.map((v) => this.scalar(v)), shape: [values.length, 1] });
    }
    return group.create_reference();
  }
}

/** digitStruct/name and digitStruct/bbox as SVHN has them: n x 1 object references. */
export function writeStruct(file: H5File, names: Reference[], boxes: Reference[]): void {
  const struct = file.create_group('digitStruct');
  struct.create_dataset({ name: 'name', data: names, shape: [names.length, 1] });
  struct.create_dataset({ name: 'bbox', data: boxes, shape: [boxes.length, 1] });
}

export interface WriteDigitStructOptions {
  onProgress?(done: number): void;
  /**
   * Writes the digitStruct group once the entries' objects are in /#refs# (default writeStruct):
   * hostile tests plant what they test here.
   */
  struct?(file: H5File, refs: RefsGroup, names: Reference[], boxes: Reference[]): void;
}

/** Writes `entries` as digitStruct.mat at `file`. */
export async function writeDigitStruct(file: string, entries: readonly WrittenEntry[], options: WriteDigitStructOptions = {}): Promise<void> {
  const h5wasm = await h5wasmForTests();
  const out = new h5wasm.File(file, 'w');
  try {
    const refs = new RefsGroup(out.create_group('#refs#'));
    const names: Reference[] = [];
    const boxes: Reference[] = [];
    entries.forEach((entry, i) => {
      names.push(refs.chars(entry.name));
      boxes.push(refs.bbox(entry.digits));
      if ((i + 1) % 1000 === 0) options.onProgress?.(i + 1);
    });
    (options.struct ?? ((f, _refs, n, b) => writeStruct(f, n, b)))(out, refs, names, boxes);
  } finally {
    out.close();
  }
}

/** SVHN train's number lengths: 5,137 of 1 digit, 18,130 of 2, 8,691 of 3, 1,434 of 4, 9 of 5, 1 of 6 (33,402). */
export const SVHN_TRAIN_LENGTHS = [5137, 18130, 8691, 1434, 9, 1] as const;

/**
 * `count` entries named 1.png..count.png whose lengths follow SVHN train's (exactly, for 33,402),
 * with plausible boxes, from a seeded generator (the same count and seed give the same entries).
 */
export function svhnLikeEntries(count: number, seed = 1): WrittenEntry[] {
  const total = SVHN_TRAIN_LENGTHS.reduce((a, b) => a + b, 0);
  const lengths: number[] = [];
  SVHN_TRAIN_LENGTHS.forEach((n, k) => {
    for (let i = 0; i < Math.round((n * count) / total); i++) lengths.push(k + 1);
  });
  while (lengths.length < count) lengths.push(2);
  lengths.length = count;
  let state = seed >>> 0 || 1;
  const random = (): number => {
    // xorshift32: enough to vary boxes; no statistics rest on it.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let i = lengths.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lengths[i], lengths[j]] = [lengths[j], lengths[i]];
  }
  return lengths.map((length, i) => {
    const height = 20 + Math.floor(random() * 60);
    let left = 10 + Math.floor(random() * 50);
    const top = 5 + Math.floor(random() * 30);
    const digits = Array.from({ length }, () => {
      const width = Math.max(6, Math.floor(height * (0.35 + random() * 0.3)));
      const digit = { label: 1 + Math.floor(random() * 10), left, top: top + Math.floor(random() * 4), width, height };
      left += width - 1;
      return digit;
    });
    return { name: `${i + 1}.png`, digits };
  });
}
