// The feature maps of one conv block, strongest channel first: a grid of small grey images, each
// with its channel index and mean activation, so one sees which filters fire on this crop.
import type { ExplainResult } from '../../../common/engineProtocol';
import { greyRgba } from './maskImage';

type Activations = NonNullable<ExplainResult['activations']>;

/** Fills `grid` with the maps of `activations` (empty: none asked for). */
export function showFeatureMaps(grid: HTMLElement, activations: Activations | undefined): void {
  if (!activations) {
    grid.replaceChildren();
    return;
  }
  const { width, height, block } = activations;
  const cells = activations.channels.map((channel) => {
    const figure = document.createElement('figure');
    figure.className = 'feature-map';
    figure.dataset.channel = String(channel.index);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    if (channel.values.length === width * height) canvas.getContext('2d')?.putImageData(new ImageData(greyRgba(channel.values), width, height), 0, 0);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `block ${block} channel ${channel.index}, mean ${channel.mean.toFixed(3)}`);
    const caption = document.createElement('figcaption');
    caption.textContent = `#${channel.index} · ${formatMean(channel.mean)}`;
    figure.append(canvas, caption);
    return figure;
  });
  grid.replaceChildren(...cells);
}

function formatMean(mean: number): string {
  return Math.abs(mean) >= 100 ? mean.toFixed(0) : Math.abs(mean) >= 1 ? mean.toFixed(2) : mean.toPrecision(2);
}
