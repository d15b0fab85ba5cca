// The last model a long-lived engine loaded, kept for the next request: the inspector asks for one
// crop after another and must answer each in a few hundred milliseconds, far less than loading a
// checkpoint takes. A model is known by its folder and its meta.json's identity (modification
// time, inode, size): every save replaces the folder (checkpoint.ts), so a retrain is seen at
// the next request and the stale model is disposed.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { loadCheckpoint, type CheckpointMeta } from './checkpoint';

export interface CachedModel {
  model: LayersModel;
  meta: CheckpointMeta;
  /** True when this request loaded it (the cache was empty or stale). */
  loadedNow: boolean;
}

/** What identifies the checkpoint in `dir` now, or undefined when its meta.json cannot be read. */
async function checkpointIdentity(dir: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(path.join(dir, 'meta.json'), { bigint: true });
    return `${path.resolve(dir)}\0${stat.mtimeNs}\0${stat.ino}\0${stat.size}`;
  } catch {
    return undefined;
  }
}

export class ModelCache {
  private last: { identity: string; model: LayersModel; meta: CheckpointMeta } | undefined;

  /** The model in `dir`: the one held when it is still what the folder holds, else loaded (and held). */
  async get(dir: string): Promise<CachedModel> {
    const identity = await checkpointIdentity(dir);
    if (identity !== undefined && this.last?.identity === identity) return { model: this.last.model, meta: this.last.meta, loadedNow: false };
    // No meta.json (a swap interrupted by a crash, or no model at all): loadCheckpoint repairs the
    // former and explains the latter.
    const { model, meta } = await loadCheckpoint(dir);
    this.dispose();
    this.last = { identity: identity ?? (await checkpointIdentity(dir)) ?? '', model, meta };
    return { model, meta, loadedNow: true };
  }

  /** Frees the held model's weights. */
  dispose(): void {
    this.last?.model.dispose();
    this.last = undefined;
  }
}
