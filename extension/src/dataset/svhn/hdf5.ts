// HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; its wasm binary is inlined in
// its JavaScript, so a bundle needs no file beside it). Loaded on first use: 4 MB of module that
// only an import needs.
//
// A file is read whole into h5wasm's in-memory file system and opened there. h5wasm's Node build
// reads through Node's fs instead (NODERAWFS), one system call per HDF5 read: on SVHN train's size
// that made the import about 30% slower (bench/importSvhn.ts), for memory the size of the file,
// which MAX_HDF5_BYTES bounds. The bytes are also a snapshot: a file replaced while it is read
// cannot tear the reading.
import { promises as fs } from 'node:fs';
import type { File as H5File } from 'h5wasm';

type H5wasm = (typeof import('h5wasm'))['default'];
type H5Module = Awaited<H5wasm['ready']>;

/** Larger files are refused: the whole file is held in memory while it is read. */
export const MAX_HDF5_BYTES = 2 * 2 ** 30;

let loading: Promise<{ h5wasm: H5wasm; module: H5Module }> | undefined;

/** The h5wasm API, ready; HDF5 errors become thrown Errors instead of text printed on stderr. */
export function loadH5wasm(): Promise<{ h5wasm: H5wasm; module: H5Module }> {
  loading ??= (async () => {
    const h5wasm = (await import('h5wasm')).default;
    const module = await h5wasm.ready;
    // Without this, a failing HDF5 call prints its whole error stack to stderr ("HDF5-DIAG ...")
    // and returns an error code; with it, the call throws, and the caller says it in one line.
    module.activate_throwing_error_handler();
    return { h5wasm, module };
  })();
  return loading;
}

/** The HDF5 file signature; MATLAB v7.3 puts it after a 512-byte header of its own. */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const MATLAB_V5_HEADER = 'MATLAB 5.0 MAT-file';

/**
 * Why `bytes` cannot be an HDF5 file, or undefined when they have the signature where HDF5 looks
 * for it (offset 0, 512, 1024, 2048, ...). Checked before h5wasm opens them, to say what they are.
 */
export function hdf5SignatureProblem(bytes: Uint8Array): string | undefined {
  for (let offset = 0; offset + SIGNATURE.length <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (SIGNATURE.every((b, k) => bytes[offset + k] === b)) return undefined;
  }
  if (Buffer.from(bytes.subarray(0, MATLAB_V5_HEADER.length)).toString('latin1') === MATLAB_V5_HEADER) {
    return "it is a MATLAB v5/v7 .mat file, not v7.3 (HDF5): SVHN's format 1 files are v7.3";
  }
  return bytes.length === 0 ? 'the file is empty' : 'it is not an HDF5 file (MATLAB v7.3 .mat): no HDF5 signature';
}

/**
 * The gist of an error h5wasm threw: HDF5's error stack is many lines ("#000: H5F.c line 836 in
 * H5Fopen(): unable to open file" ...); the innermost entry's message says what was wrong.
 */
export function hdf5ErrorReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const entries = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)].map((m) => m[1].trim());
  const reason = entries.at(-1) ?? text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
  return reason.length > 200 ? `${reason.slice(0, 200)}...` : reason;
}

/** Why an HDF5 file could not be opened or read; the message is HDF5's reason (one line). */
export class Hdf5Error extends Error {}

export interface OpenHdf5 {
  h5wasm: H5wasm;
  file: H5File;
  /** Closes the file and frees its bytes. */
  close: () => void;
}

let opened = 0;

/**
 * Opens `path` read-only from a copy in memory. Throws Hdf5Error when the bytes are not HDF5 or
 * HDF5 cannot open them (a truncated file: "the file is truncated (...)"); Node's errors as they are.
 */
export async function openHdf5(path: string): Promise<OpenHdf5> {
  const { size } = await fs.stat(path);
  if (size > MAX_HDF5_BYTES) throw new Hdf5Error(`the file is ${(size / 2 ** 30).toFixed(1)} GiB, more than the ${MAX_HDF5_BYTES / 2 ** 30} GiB this reader takes`);
  const bytes = await fs.readFile(path);
  const signatureProblem = hdf5SignatureProblem(bytes);
  if (signatureProblem) throw new Hdf5Error(signatureProblem);
  const { h5wasm, module } = await loadH5wasm();
  const FS = module.FS;
  const inMemory = `/hdf5-${++opened}.h5`;
  // canOwn: the file system keeps the Buffer itself rather than a copy (emscripten's FS.writeFile
  // takes it; h5wasm's typings list only `flags`). 'w': create the file, as the default does.
  const options: { flags: string; canOwn: boolean } = { flags: 'w', canOwn: true };
  FS.writeFile(inMemory, bytes, options);
  try {
    const file = new h5wasm.File(inMemory, 'r');
    return {
      h5wasm,
      file,
      close: () => {
        try {
          file.close();
        } finally {
          FS.unlink(inMemory);
        }
      },
    };
  } catch (err) {
    FS.unlink(inMemory);
    const reason = hdf5ErrorReason(err).split(inMemory).join(path);
    throw new Hdf5Error(reason.startsWith('truncated file') ? `the file is truncated (${reason})` : `the file cannot be read as HDF5, damaged? (${reason})`);
  }
}
