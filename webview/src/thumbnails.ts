// The crops' pictures in the gallery: asked of the host for the cells in view only
// (ThumbnailsRequest), drawn from the preprocessing cache's 64x64 crops onto a canvas, or from the
// image file when the cache has none. The page keeps the last few hundred, so scrolling back does
// not ask again, and never more: its memory does not grow with the dataset or the scrolling.
import type { Thumbnail, ThumbnailsMessage } from '../../common/webviewProtocol';
import { rowKey, type RowKey } from './gallerySelection';

/** A crop's picture: its pixels and the shape to draw them in (width / height), or its image file's URI, or why there is none. */
export type CellThumbnail = { pixels: ImageData; aspect: number } | { imageUri: string } | { problem: string };

/** How many pictures the page keeps: a few screens of cells (64x64 RGBA: 16 KB each, 8 MB in all). */
export const KEPT_THUMBNAILS = 512;

/** The pictures of an answer, by row. */
export function thumbnailsOf(message: ThumbnailsMessage): Map<RowKey, CellThumbnail> {
  const { size, pixels } = message;
  const bytes = size * size * 3;
  const found = new Map<RowKey, CellThumbnail>();
  for (const item of message.items) found.set(rowKey(item), pictureOf(item, size, pixels, bytes));
  return found;
}

function pictureOf(item: Thumbnail, size: number, pixels: Uint8Array, bytes: number): CellThumbnail {
  if (item.at !== undefined && (item.at + 1) * bytes <= pixels.length) {
    const rgba = new ImageData(size, size);
    const from = item.at * bytes;
    for (let p = 0, q = from; p < rgba.data.length; p += 4, q += 3) {
      rgba.data[p] = pixels[q];
      rgba.data[p + 1] = pixels[q + 1];
      rgba.data[p + 2] = pixels[q + 2];
      rgba.data[p + 3] = 255;
    }
    return { pixels: rgba, aspect: item.aspect ?? 1 };
  }
  if (item.imageUri !== undefined) return { imageUri: item.imageUri };
  return { problem: item.problem ?? 'no image' };
}

/** The last KEPT_THUMBNAILS pictures, by row; the least recently used goes first. */
export class ThumbnailStore {
  private readonly kept = new Map<RowKey, CellThumbnail>();

  get(key: RowKey): CellThumbnail | undefined {
    const found = this.kept.get(key);
    if (found) {
      this.kept.delete(key);
      this.kept.set(key, found);
    }
    return found;
  }

  set(key: RowKey, thumbnail: CellThumbnail): void {
    this.kept.delete(key);
    this.kept.set(key, thumbnail);
    while (this.kept.size > KEPT_THUMBNAILS) this.kept.delete(this.kept.keys().next().value as RowKey);
  }

  /** Forgets the pictures that are not the cache's: the cache may hold those crops by now (a training run). */
  forgetFallbacks(): void {
    for (const [key, thumbnail] of this.kept) if (!('pixels' in thumbnail)) this.kept.delete(key);
  }

  get size(): number {
    return this.kept.size;
  }
}

/** Puts the picture into a cell's frame (cropCell.ts makes the frame, empty until its picture comes). */
export function showThumbnail(frame: HTMLElement, thumbnail: CellThumbnail, alt: string): void {
  frame.querySelector('.thumb')?.remove();
  frame.classList.remove('awaiting', 'broken');
  if ('pixels' in thumbnail) {
    frame.prepend(unsqueezed(thumbnail.pixels, thumbnail.aspect, alt));
  } else if ('imageUri' in thumbnail) {
    const img = document.createElement('img');
    img.className = 'thumb';
    img.decoding = 'async';
    img.alt = alt;
    img.addEventListener('error', () => {
      frame.classList.add('broken');
      frame.dataset.problem = 'image missing or unreadable';
    });
    img.src = thumbnail.imageUri;
    frame.prepend(img);
  } else {
    frame.classList.add('broken');
    frame.dataset.problem = thumbnail.problem;
  }
}

/**
 * A canvas with the crop drawn in the shape of the image region it shows: the cache squeezes
 * every crop square, so a one-digit crop would look twice too wide and a five-digit one far too
 * narrow. Its longer side keeps the crop's pixels; the frame's CSS fits it.
 */
function unsqueezed(pixels: ImageData, aspect: number, alt: string): HTMLCanvasElement {
  const long = Math.max(pixels.width, pixels.height);
  const canvas = document.createElement('canvas');
  canvas.className = 'thumb';
  canvas.width = Math.max(1, Math.round(aspect >= 1 ? long : long * aspect));
  canvas.height = Math.max(1, Math.round(aspect >= 1 ? long / aspect : long));
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', alt);
  const source = document.createElement('canvas');
  source.width = pixels.width;
  source.height = pixels.height;
  source.getContext('2d')?.putImageData(pixels, 0, 0);
  const context = canvas.getContext('2d');
  if (context) {
    context.imageSmoothingQuality = 'high';
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
  }
  return canvas;
}
