// The gallery's thumbnails, for the rows the page shows: the crop the network reads from the
// preprocessing cache (64x64, 12 KB) when the cache holds it for the image as it is now, else the
// image file's webview URI. No `vscode` import: the panel passes in how a path becomes a URI.
import * as path from 'node:path';
import type { RowRef, Thumbnail, ThumbnailsMessage } from '../../../../common/webviewProtocol';
import { boxText, CachedCropReader } from '../../dataset/cropCache';
import { resolveDatasetPath } from '../../dataset/paths';
import { CROP_BYTES, CROP_SIZE } from '../../dataset/preprocess';
import type { GalleryRow, RowsByLine } from './galleryData';

/** At most this many thumbnails in one answer: a page asks for what it shows, a few hundred at most. */
export const MAX_THUMBNAILS = 512;

export class GalleryThumbnails {
  private readonly cache: CachedCropReader;
  private readonly datasetDir: string;

  constructor(
    labelsPath: string,
    private readonly toImageUri: (absolutePath: string) => string,
  ) {
    this.datasetDir = path.dirname(labelsPath);
    this.cache = new CachedCropReader(this.datasetDir);
  }

  /** The thumbnails of `requested` (rows the page named; `rows`, the rows by line as last loaded). */
  async answer(requested: readonly RowRef[], rows: RowsByLine): Promise<ThumbnailsMessage> {
    const wanted = requested.slice(0, MAX_THUMBNAILS);
    const found = await Promise.all(wanted.map((ref) => this.thumbnail(ref, rows.get(ref.line))));
    const crops = found.filter((f) => f.pixels !== undefined);
    const pixels = new Uint8Array(crops.length * CROP_BYTES);
    let at = 0;
    const items = found.map(({ item, pixels: crop }): Thumbnail => {
      if (!crop) return item;
      pixels.set(crop, at * CROP_BYTES);
      return { ...item, at: at++ };
    });
    return { kind: 'thumbnails', size: CROP_SIZE, items, pixels };
  }

  private async thumbnail(ref: RowRef, row: GalleryRow | undefined): Promise<{ item: Thumbnail; pixels?: Uint8Array }> {
    const item: Thumbnail = { line: ref.line, file: ref.file };
    // Not the row the page means (the file changed since its data): nothing; new data is on its way.
    if (!row || row.file !== ref.file) return { item: { ...item, problem: 'the row changed' } };
    let absolute: string;
    try {
      absolute = resolveDatasetPath(this.datasetDir, row.file);
    } catch (err) {
      return { item: { ...item, problem: (err as Error).message } };
    }
    const pixels = await this.cache.read(row.file, absolute, boxText(row.box));
    if (!pixels) return { item: { ...item, imageUri: this.toImageUri(absolute) } };
    // The box has the crop region's shape (both grow by 30%), except where the image's edge clips it.
    const aspect = row.box ? row.box.width / row.box.height : NaN;
    return { item: Number.isFinite(aspect) && aspect > 0 ? { ...item, aspect } : item, pixels };
  }
}
