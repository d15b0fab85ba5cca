// SVHN "format 1" annotations: digitStruct.mat, a MATLAB v7.3 file (HDF5). `digitStruct/name[i]`
// and `digitStruct/bbox[i]` are object references; a name is a char (uint16) dataset; a bbox is a
// group whose label/left/top/width/height hold the value inline for a one-digit image and object
// references to one-number datasets for several digits. MATLAB keeps every referenced object in
// the group `/#refs#`.
//
// The fast path: HDF5's own dereference by name (H5Rget_name) walks the file for every reference
// until it meets the address (seconds a reference at SVHN train's size), so a 33,402-image file
// would take weeks. An object reference is the object's address; making a reference to each
// member of `/#refs#` once (2.3 s for train's 407,404) gives the address -> path index, and every
// reference then costs a Map lookup (bench/importSvhn.ts measures both).
//
// Hostile files: every count is checked against a limit before anything of that size is read; the
// reader follows references only along the fixed shape above (name -> chars, bbox -> group ->
// field -> numbers), checking the kind of each object it reaches, so a reference cycle is a
// malformed field, not a loop; and references may reach the members of /#refs# at most twice over
// (SVHN's files use each exactly once), so entries sharing one big bbox cannot multiply the work:
// the reading is bounded by the objects the file holds, and so by its size.
import type { Dataset, File as H5File, Metadata } from 'h5wasm';
import { Hdf5Error, hdf5ErrorReason, openHdf5, type OpenHdf5 } from './hdf5';

/** One digit's box as SVHN gives it: label 1..10 (10 = the digit 0), the box in image pixels. */
export interface SvhnDigit {
  label: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface DigitStructEntry {
  /** The image's file name as the .mat gives it, e.g. '1.png'. */
  name: string;
  digits: SvhnDigit[];
}

export const DIGIT_STRUCT_LIMITS = {
  /** SVHN's largest split, extra, has 202,353 images. */
  entries: 2_000_000,
  /** SVHN's longest number has 6 digits. */
  digitsPerEntry: 64,
  nameLength: 1024,
  /** Members of /#refs# per entry: SVHN needs 2 + 5 per digit of a multi-digit image. */
  refsPerEntry: 2 + 5 * 64,
} as const;

export const BOX_FIELDS = ['label', 'left', 'top', 'width', 'height'] as const;
type BoxField = (typeof BOX_FIELDS)[number];

/** A digitStruct.mat that is not what SVHN's format 1 writes; the message is one line. */
export class DigitStructError extends Error {}

const REFS_GROUP = '/#refs#';
// HDF5 type classes (H5T_class_t).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_REFERENCE = 7;

/** An object reference's address as a Map key, or undefined for one no file of ours can hold (>= 2^53). */
function addressKey(bytes: ArrayLike<number>): number | undefined {
  if (bytes.length < 8) return undefined;
  const low = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  const high = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0;
  return high < 2 ** 21 ? high * 2 ** 32 + low : undefined;
}

type H5wasm = OpenHdf5['h5wasm'];

class DigitStructReader {
  /** Address of each member of /#refs# -> its path. */
  private readonly paths = new Map<number, string>();
  /** References resolved so far, and how many the file's objects allow (set by indexRefs). */
  private resolved = 0;
  private resolveBudget = 0;

  constructor(
    private readonly h5wasm: H5wasm,
    private readonly file: H5File,
  ) {}

  private dataset(path: string): Dataset {
    return new this.h5wasm.Dataset(this.file.file_id, path);
  }

  /** The dataset's metadata; a DigitStructError when there is no dataset at its path (HDF5's other errors as they are). */
  private metadata(dataset: Dataset, what: string): Metadata {
    try {
      return dataset.metadata;
    } catch (err) {
      const reason = hdf5ErrorReason(err);
      if (/not a dataset/.test(reason)) throw new DigitStructError(`${what} is not a dataset`);
      if (/doesn't exist|not found/.test(reason)) throw new DigitStructError(`${what} is missing`);
      throw err;
    }
  }

  /** The object references a dataset holds, at most `limit` of them. */
  private references(dataset: Dataset, meta: Metadata, what: string, limit: number): Uint8Array[] {
    if (meta.type !== H5T_REFERENCE || meta.ref_type !== 'object') throw new DigitStructError(`${what} does not hold object references`);
    if (meta.total_size > limit) throw new DigitStructError(`${what} holds ${meta.total_size} references, more than the ${limit} this reader accepts`);
    const value = dataset.value;
    if (!Array.isArray(value)) throw new DigitStructError(`${what} could not be read as references`);
    return value.map((ref) => (typeof ref === 'object' && ref !== null && 'ref_data' in ref ? Uint8Array.from(ref.ref_data) : new Uint8Array(0)));
  }

  /** Numbers held inline by a numeric dataset of 1..`limit` values. */
  private numbers(dataset: Dataset, meta: Metadata, what: string, limit: number): number[] {
    if ((meta.type !== H5T_INTEGER && meta.type !== H5T_FLOAT) || meta.size > 8) throw new DigitStructError(`${what} is neither numbers nor references`);
    if (meta.total_size < 1 || meta.total_size > limit) throw new DigitStructError(`${what} holds ${meta.total_size} values, expected 1 to ${limit}`);
    const value = dataset.value;
    const values = ArrayBuffer.isView(value) ? Array.from(value as ArrayLike<number | bigint>, Number) : typeof value === 'number' || typeof value === 'bigint' ? [Number(value)] : undefined;
    if (!values || values.length !== meta.total_size) throw new DigitStructError(`${what} could not be read as numbers`);
    return values;
  }

  private resolve(ref: Uint8Array, what: string): string {
    if (++this.resolved > this.resolveBudget) {
      throw new DigitStructError(`its references reach the ${this.paths.size} objects of ${REFS_GROUP} more than twice over; SVHN's files use each once`);
    }
    const key = addressKey(ref);
    const path = key === undefined ? undefined : this.paths.get(key);
    if (path === undefined) throw new DigitStructError(`${what} refers to nothing in ${REFS_GROUP}`);
    return path;
  }

  /** Indexes /#refs#: each member's address (what an object reference holds) -> its path. */
  indexRefs(entries: number): void {
    if (!(this.file.get(REFS_GROUP) instanceof this.h5wasm.Group)) {
      throw new DigitStructError(`it has no ${REFS_GROUP} group, where MATLAB v7.3 keeps what references point to`);
    }
    const names = new this.h5wasm.Group(this.file.file_id, REFS_GROUP).keys();
    const limit = Math.max(16, entries * DIGIT_STRUCT_LIMITS.refsPerEntry);
    if (names.length > limit) throw new DigitStructError(`${REFS_GROUP} holds ${names.length} objects, more than ${entries} images can use`);
    for (const name of names) {
      const path = `${REFS_GROUP}/${name}`;
      const key = addressKey(this.dataset(path).create_reference().ref_data);
      if (key !== undefined) this.paths.set(key, path);
    }
    this.resolveBudget = 2 * this.paths.size + 16;
  }

  /** digitStruct/name and digitStruct/bbox: one reference per image each. */
  entryReferences(): { names: Uint8Array[]; boxes: Uint8Array[] } {
    if (!(this.file.get('/digitStruct') instanceof this.h5wasm.Group)) throw new DigitStructError('it has no digitStruct group: not an SVHN format 1 digitStruct.mat');
    const referencesOf = (name: string): Uint8Array[] => {
      const dataset = this.dataset(`/digitStruct/${name}`);
      return this.references(dataset, this.metadata(dataset, `digitStruct/${name}`), `digitStruct/${name}`, DIGIT_STRUCT_LIMITS.entries);
    };
    const names = referencesOf('name');
    const boxes = referencesOf('bbox');
    if (names.length !== boxes.length) throw new DigitStructError(`digitStruct/name lists ${names.length} images but digitStruct/bbox ${boxes.length}`);
    return { names, boxes };
  }

  name(ref: Uint8Array): string {
    const dataset = this.dataset(this.resolve(ref, 'its name'));
    const meta = this.metadata(dataset, 'its name');
    // MATLAB stores a char array as uint16 code units.
    if (meta.type !== H5T_INTEGER || meta.size > 2) throw new DigitStructError('its name is not text (MATLAB char)');
    const codes = this.numbers(dataset, meta, 'its name', DIGIT_STRUCT_LIMITS.nameLength);
    return String.fromCharCode(...codes);
  }

  digits(ref: Uint8Array): SvhnDigit[] {
    const group = this.resolve(ref, 'its bbox');
    const columns = {} as Record<BoxField, number[]>;
    for (const field of BOX_FIELDS) {
      const what = `bbox.${field}`;
      const dataset = this.dataset(`${group}/${field}`);
      const meta = this.metadata(dataset, what);
      if (meta.type === H5T_REFERENCE) {
        const refs = this.references(dataset, meta, what, DIGIT_STRUCT_LIMITS.digitsPerEntry);
        columns[field] = refs.map((r, k) => {
          const item = `${what}[${k + 1}]`;
          const scalar = this.dataset(this.resolve(r, item));
          return this.numbers(scalar, this.metadata(scalar, item), item, 1)[0];
        });
      } else columns[field] = this.numbers(dataset, meta, what, DIGIT_STRUCT_LIMITS.digitsPerEntry);
    }
    const count = columns.label.length;
    const uneven = BOX_FIELDS.find((f) => columns[f].length !== count);
    if (uneven) throw new DigitStructError(`its bbox has ${count} labels but ${columns[uneven].length} ${uneven} values`);
    return columns.label.map((label, k) => ({ label, left: columns.left[k], top: columns.top[k], width: columns.width[k], height: columns.height[k] }));
  }
}

export interface ReadDigitStructOptions {
  /** Entries read so far, out of all; called every few hundred entries and at the end. */
  onProgress?(done: number, total: number): void;
}

const PROGRESS_EVERY = 500;

/**
 * Every entry of `matPath` in the file's order. Throws DigitStructError, its message one line
 * naming the file (and the entry), for a file that is not HDF5, is truncated or damaged, or does
 * not have SVHN's shape; node's own errors (ENOENT, EACCES) as they are.
 */
export async function readDigitStruct(matPath: string, options: ReadDigitStructOptions = {}): Promise<DigitStructEntry[]> {
  let hdf5: OpenHdf5;
  try {
    hdf5 = await openHdf5(matPath);
  } catch (err) {
    if (err instanceof Hdf5Error) throw new DigitStructError(`${matPath}: ${err.message}`);
    throw err;
  }
  let where = '';
  try {
    const reader = new DigitStructReader(hdf5.h5wasm, hdf5.file);
    const { names, boxes } = reader.entryReferences();
    reader.indexRefs(names.length);
    const entries: DigitStructEntry[] = [];
    for (let i = 0; i < names.length; i++) {
      where = `entry ${i + 1} of ${names.length}: `;
      const name = reader.name(names[i]);
      where = `entry ${i + 1} of ${names.length} (${JSON.stringify(name)}): `;
      entries.push({ name, digits: reader.digits(boxes[i]) });
      if ((i + 1) % PROGRESS_EVERY === 0) options.onProgress?.(i + 1, names.length);
    }
    options.onProgress?.(names.length, names.length);
    return entries;
  } catch (err) {
    if (err instanceof DigitStructError) throw new DigitStructError(`${matPath}: ${where}${err.message}`);
    throw new DigitStructError(`${matPath}: ${where}the file cannot be read as HDF5, damaged? (${hdf5ErrorReason(err)})`);
  } finally {
    try {
      hdf5.close();
    } catch {
      // A damaged file may fail to close too; the reading's own error says what matters.
    }
  }
}
