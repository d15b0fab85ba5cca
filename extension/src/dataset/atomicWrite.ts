// Derived files (model checkpoints, predictions, caches) and the labels file are written through
// here: a temporary file beside the target, flushed to disk, then renamed over it, and the folder
// flushed so the rename itself survives a power cut. A crash mid-save leaves either the old file
// or the new one, never a torn one.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Flushes a folder's entries (a rename, a new file) to disk; a no-op where folders cannot be opened (Windows). */
async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported on this platform or file system: the rename is still atomic, only its durability is the OS's.
  } finally {
    await handle?.close();
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /**
   * Permission bits for the new file (e.g. the replaced file's, so a label edit does not turn a
   * private 0600 file into a 0644 one). The temporary file is created with them, so its content is
   * never more readable than that, and set exactly afterwards, so the umask does not narrow them.
   */
  mode?: number;
  /**
   * Runs when the new content is safely on disk, just before it replaces the target; throwing
   * aborts the write (the target stays as it was, the temporary file is removed). A caller that
   * edited the old content checks here that nobody changed the target meanwhile.
   */
  beforeRename?: () => Promise<void>;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': a fresh file, never one planted at the temporary name.
  const handle = await fs.open(tmp, 'wx', options.mode ?? 0o666);
  try {
    try {
      await handle.writeFile(data);
      if (options.mode !== undefined) await handle.chmod(options.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.();
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(path.dirname(target));
}

/** Test hooks: points where a crash is simulated. */
export interface ReplaceDirHooks {
  /** After the old directory was moved aside and before the new one takes its place. */
  afterMoveAside?(): void | Promise<void>;
}

/** Sibling names a swap of `target` uses: `.name.<suffix>.new` (being filled) and `.name.<suffix>.old` (moved aside). */
function swapName(target: string, suffix: string, kind: 'new' | 'old'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${suffix}.${kind}`);
}

/**
 * Replaces a whole directory atomically: `fill` writes into a fresh sibling directory, whose
 * files are then flushed, and which then takes the target's place. The previous directory is
 * removed only after the swap. A crash between the two renames leaves the previous directory
 * beside the target's name; recoverDirSwap (called before every read of such a directory)
 * puts it back.
 */
export async function replaceDirAtomic(target: string, fill: (dir: string) => Promise<void>, hooks: ReplaceDirHooks = {}): Promise<void> {
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  await recoverDirSwap(target);
  const suffix = randomBytes(6).toString('hex');
  const fresh = swapName(target, suffix, 'new');
  const old = swapName(target, suffix, 'old');
  await fs.mkdir(fresh);
  try {
    await fill(fresh);
    for (const name of await fs.readdir(fresh)) await syncFile(path.join(fresh, name));
    await syncDir(fresh);
  } catch (err) {
    await fs.rm(fresh, { recursive: true, force: true });
    throw err;
  }
  let hadOld = false;
  try {
    await fs.rename(target, old);
    hadOld = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await hooks.afterMoveAside?.();
  await fs.rename(fresh, target);
  await syncDir(parent);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}

/**
 * Finishes what a crashed replaceDirAtomic left: when the target is missing and a moved-aside
 * copy exists, that copy (the last complete directory that was current) becomes the target
 * again; half-filled and moved-aside leftovers beside an existing target are removed. Returns
 * what it did, for the log.
 */
export async function recoverDirSwap(target: string): Promise<'nothing' | 'restored' | 'cleaned'> {
  const parent = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = (await fs.readdir(parent)).filter((n) => n.startsWith(prefix) && (n.endsWith('.old') || n.endsWith('.new')));
  } catch {
    return 'nothing';
  }
  if (names.length === 0) return 'nothing';
  let outcome: 'restored' | 'cleaned' = 'cleaned';
  const targetExists = await fs.stat(target).then(
    () => true,
    () => false,
  );
  const moved = names.filter((n) => n.endsWith('.old'));
  if (!targetExists && moved.length > 0) {
    // The newest moved-aside copy is the one a crash interrupted (there is normally only one).
    const stats = await Promise.all(moved.map(async (n) => ({ n, t: (await fs.stat(path.join(parent, n))).mtimeMs })));
    const newest = stats.sort((a, b) => b.t - a.t)[0].n;
    await fs.rename(path.join(parent, newest), target);
    await syncDir(parent);
    outcome = 'restored';
  }
  for (const n of names) await fs.rm(path.join(parent, n), { recursive: true, force: true });
  return outcome;
}
