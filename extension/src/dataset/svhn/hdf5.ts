// HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly; its wasm binary is inlined in
// its JavaScript, so a bundle needs no file beside it). Loaded on first use: 4 MB of module that
// only an import needs. Node's build of h5wasm reads files through Node's fs (NODERAWFS), so a file
// is read where it lies, in pieces, never copied whole into memory.
import { promises as fs } from 'node:fs';

type H5wasm = (typeof import('h5wasm'))['default'];

let loading: Promise<H5wasm> | undefined;

/** The h5wasm API, ready; HDF5 errors become thrown Errors instead of text printed on stderr. */
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const h5wasm = (await import('h5wasm/node')).default;
    const module = await h5wasm.ready;
    // Without this, a failing HDF5 call prints its whole error stack to stderr ("HDF5-DIAG ...")
    // and returns an error code; with it, the call throws, and the caller says it in one line.
    module.activate_throwing_error_handler();
    return h5wasm;
  })();
  return loading;
}

/** The HDF5 file signature; MATLAB v7.3 puts it after a 512-byte header of its own. */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const MATLAB_V5_HEADER = 'MATLAB 5.0 MAT-file';

/**
 * Why `file` cannot be an HDF5 file, or undefined when it has the signature where HDF5 looks for
 * it (offset 0, 512, 1024, 2048, ...). Checked before h5wasm opens it, to say what the file is.
 */
export async function hdf5SignatureProblem(file: string): Promise<string | undefined> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const probe = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      const { bytesRead } = await handle.read(probe, 0, probe.length, offset);
      if (bytesRead === probe.length && probe.equals(SIGNATURE)) return undefined;
    }
    const head = Buffer.alloc(MATLAB_V5_HEADER.length);
    await handle.read(head, 0, head.length, 0);
    if (head.toString('latin1') === MATLAB_V5_HEADER) {
      return "it is a MATLAB v5/v7 .mat file, not v7.3 (HDF5): SVHN's format 1 files are v7.3";
    }
    return size === 0 ? 'the file is empty' : 'it is not an HDF5 file (MATLAB v7.3 .mat): no HDF5 signature';
  } finally {
    await handle.close();
  }
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
