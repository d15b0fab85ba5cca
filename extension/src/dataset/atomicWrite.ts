// Derived files (model checkpoints, predictions, caches) and the labels file are written through
// here: a temporary file beside the target, flushed to disk, then renamed over it. A crash
// mid-save leaves either the old file or the new one, never a torn one.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

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
}

/**
 * Replaces a whole directory atomically: `fill` writes into a fresh sibling directory, which
 * then takes the target's place. The previous directory is removed only after the swap.
 */
export async function replaceDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(target);
  await fs.mkdir(parent, { recursive: true });
  const suffix = randomBytes(6).toString('hex');
  const fresh = path.join(parent, `.${path.basename(target)}.${suffix}.new`);
  const old = path.join(parent, `.${path.basename(target)}.${suffix}.old`);
  await fs.mkdir(fresh);
  try {
    await fill(fresh);
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
  await fs.rename(fresh, target);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
}
