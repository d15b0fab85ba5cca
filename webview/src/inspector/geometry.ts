// Where things go in the inspector's views of a crop: each view shows the region of the image the
// network reads (the row's box grown by 30%, common/cropRegion.ts), so the number fills it; masks,
// boxes and peaks are placed over it in image pixels.
import { expandedBoxRegion, type Rect } from '../../../common/cropRegion';

/** The region the views show: the row's expanded box, or the whole image when it has none (or it falls outside). */
export function viewRegion(box: Rect | undefined, imageWidth: number, imageHeight: number): Rect {
  return (box && expandedBoxRegion(box, imageWidth, imageHeight)) ?? { left: 0, top: 0, width: imageWidth, height: imageHeight };
}

/** `rect` as percentages of `region` (CSS left/top/width/height of an element laid over the view). */
export function placeIn(region: Rect, rect: Rect): { left: number; top: number; width: number; height: number } {
  return {
    left: ((rect.left - region.left) / region.width) * 100,
    top: ((rect.top - region.top) / region.height) * 100,
    width: (rect.width / region.width) * 100,
    height: (rect.height / region.height) * 100,
  };
}
