// One view of a crop: the region of the image the network reads, zoomed to fill the view, with
// (optionally) a gradient mask laid over the network's input window, the row's boxes and the
// mask's peak. The image goes into a canvas of its own and the mask into another: an image from
// the webview's resource origin taints the canvas it is drawn into, and the mask's stays readable.
import type { Rect } from '../../../common/cropRegion';
import type { ExplainResult, HeadExplanation } from '../../../common/engineProtocol';
import { placeIn } from './geometry';
import { maskRgba } from './maskImage';

const SVG = 'http://www.w3.org/2000/svg';

/** A view's mask canvas: its class (a head's own `heatmap`, or the large crop's `overlay-mask`) and the head it is of. */
export interface MaskCanvas {
  className: string;
  head?: string;
}

export class CropView {
  readonly element: HTMLElement;
  /** The mask's canvas (absent in a view without one), e.g. `canvas.heatmap[data-head="S2"]`. */
  readonly heatmap: HTMLCanvasElement | undefined;
  private readonly image: HTMLCanvasElement;
  private readonly overlay: SVGSVGElement;
  private readonly boxes: SVGGElement;
  private readonly peak: SVGGElement;
  private region: Rect | undefined;

  /** `pixelWidth`: how wide the image canvas is drawn (its CSS size follows the layout). `mask`: the view's mask canvas, if any. */
  constructor(
    className: string,
    private readonly pixelWidth: number,
    mask?: MaskCanvas,
  ) {
    this.element = document.createElement('div');
    this.element.className = `crop-view ${className}`;
    this.image = document.createElement('canvas');
    this.image.className = 'crop-image';
    this.image.setAttribute('aria-hidden', 'true');
    this.element.appendChild(this.image);
    if (mask) {
      this.heatmap = document.createElement('canvas');
      this.heatmap.className = mask.className;
      if (mask.head !== undefined) this.heatmap.dataset.head = mask.head;
      this.heatmap.hidden = true;
      this.element.appendChild(this.heatmap);
    }
    this.overlay = document.createElementNS(SVG, 'svg');
    this.overlay.classList.add('crop-overlay');
    this.overlay.setAttribute('preserveAspectRatio', 'none');
    this.overlay.setAttribute('aria-hidden', 'true');
    this.boxes = document.createElementNS(SVG, 'g');
    this.boxes.classList.add('boxes');
    this.peak = document.createElementNS(SVG, 'g');
    this.peak.classList.add('peak');
    this.overlay.append(this.boxes, this.peak);
    this.element.appendChild(this.overlay);
  }

  /** Shows `region` of `image` (loaded), filling the view; a region change resizes the view to its shape. */
  drawImage(image: HTMLImageElement, region: Rect): void {
    this.region = region;
    // CSSOM writes, not style attributes: allowed under the page's CSP. --ratio sizes the view (inspector.css).
    this.element.style.aspectRatio = `${region.width} / ${region.height}`;
    this.element.style.setProperty('--ratio', String(region.width / region.height));
    this.overlay.setAttribute('viewBox', `${region.left} ${region.top} ${region.width} ${region.height}`);
    const width = Math.max(1, Math.round(this.pixelWidth));
    const height = Math.max(1, Math.round((this.pixelWidth * region.height) / region.width));
    if (this.image.width !== width || this.image.height !== height) {
      this.image.width = width;
      this.image.height = height;
    }
    const context = this.image.getContext('2d');
    if (!context) return;
    context.imageSmoothingQuality = 'high';
    context.clearRect(0, 0, width, height);
    context.drawImage(image, region.left, region.top, region.width, region.height, 0, 0, width, height);
    this.element.classList.remove('no-image');
  }

  /** No image to show (missing, unreadable, refused path): the view says why. */
  showProblem(problem: string): void {
    this.image.getContext('2d')?.clearRect(0, 0, this.image.width, this.image.height);
    this.element.classList.add('no-image');
    this.element.dataset.problem = problem;
  }

  /** The union box and the per-digit boxes, in image pixels (empty: none). */
  setBoxes(box: Rect | undefined, digitBoxes: readonly Rect[] | undefined): void {
    const rects = [...(box ? [{ rect: box, kind: 'union-box' }] : []), ...(digitBoxes ?? []).map((rect) => ({ rect, kind: 'digit-box' }))];
    this.boxes.replaceChildren(
      ...rects.map(({ rect, kind }) => {
        const r = document.createElementNS(SVG, 'rect');
        r.classList.add(kind);
        r.setAttribute('x', String(rect.left));
        r.setAttribute('y', String(rect.top));
        r.setAttribute('width', String(rect.width));
        r.setAttribute('height', String(rect.height));
        return r;
      }),
    );
  }

  /** Draws `head`'s mask of `result` over the network's input window, and marks its peak. */
  drawMask(result: ExplainResult, head: HeadExplanation): void {
    const canvas = this.heatmap;
    if (!canvas) return;
    const { maskWidth: width, maskHeight: height } = result;
    if (head.mask.length !== width * height) return;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    canvas.getContext('2d')?.putImageData(new ImageData(maskRgba(head.mask, width, height), width, height), 0, 0);
    canvas.hidden = false;
    this.placeMask(result.inputRegion);
    this.markPeak(head.peak);
  }

  private placeMask(inputRegion: Rect): void {
    if (!this.heatmap || !this.region) return;
    const place = placeIn(this.region, inputRegion);
    this.heatmap.style.left = `${place.left}%`;
    this.heatmap.style.top = `${place.top}%`;
    this.heatmap.style.width = `${place.width}%`;
    this.heatmap.style.height = `${place.height}%`;
  }

  private markPeak([x, y]: [number, number]): void {
    if (!this.region) return;
    // A ring and a dot, sized to the view (the overlay is in image pixels, stretched to the view).
    const r = Math.max(this.region.width, this.region.height) * 0.06;
    const ring = document.createElementNS(SVG, 'ellipse');
    ring.classList.add('peak-ring');
    const dot = document.createElementNS(SVG, 'ellipse');
    dot.classList.add('peak-dot');
    for (const [shape, radius] of [
      [ring, r],
      [dot, r / 4],
    ] as const) {
      shape.setAttribute('cx', String(x));
      shape.setAttribute('cy', String(y));
      // The view keeps the region's aspect ratio, so equal radii stay a circle.
      shape.setAttribute('rx', String(radius));
      shape.setAttribute('ry', String(radius));
    }
    this.peak.replaceChildren(ring, dot);
    this.element.dataset.peak = `${Math.round(x)},${Math.round(y)}`;
  }

  clearMask(): void {
    if (this.heatmap) this.heatmap.hidden = true;
    this.peak.replaceChildren();
    delete this.element.dataset.peak;
  }
}
