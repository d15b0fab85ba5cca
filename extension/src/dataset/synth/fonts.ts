// Fonts for the synthetic generator: real TTF/WOFF files parsed with opentype.js, and the ten
// digit outlines of each flattened once into polygons (em units, y down, baseline at 0).
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import opentype from 'opentype.js';
import { type Bounds, type Contour, contourBounds, flattenPath, type PathCommand } from './raster';

/** The fonts scripts/build.mjs copies into dist/fonts: bundled name -> path inside node_modules. */
const BUNDLED_FONTS: Record<string, string> = {
  'DejaVuSans.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  'DejaVuSans-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
  'DejaVuSansCondensed-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf',
  'DejaVuSerif.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSerif.ttf',
  'DejaVuSerif-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf',
  'DejaVuSansMono-Bold.ttf': 'dejavu-fonts-ttf/ttf/DejaVuSansMono-Bold.ttf',
  'Oswald-500.woff': '@fontsource/oswald/files/oswald-latin-500-normal.woff',
  'RobotoSlab-700.woff': '@fontsource/roboto-slab/files/roboto-slab-latin-700-normal.woff',
  'RobotoCondensed-400.woff': '@fontsource/roboto-condensed/files/roboto-condensed-latin-400-normal.woff',
  // Shapes real house numbers have and the faces above lack: handwriting and marker, stencil,
  // italics, tall condensed, heavy display and slab, rounded (issue 9's study of the real digits).
  'Caveat-700.woff': '@fontsource/caveat/files/caveat-latin-700-normal.woff',
  'PermanentMarker-400.woff': '@fontsource/permanent-marker/files/permanent-marker-latin-400-normal.woff',
  'Kalam-700.woff': '@fontsource/kalam/files/kalam-latin-700-normal.woff',
  'BebasNeue-400.woff': '@fontsource/bebas-neue/files/bebas-neue-latin-400-normal.woff',
  'Anton-400.woff': '@fontsource/anton/files/anton-latin-400-normal.woff',
  'ArchivoBlack-400.woff': '@fontsource/archivo-black/files/archivo-black-latin-400-normal.woff',
  'AlfaSlabOne-400.woff': '@fontsource/alfa-slab-one/files/alfa-slab-one-latin-400-normal.woff',
  'PlayfairDisplay-700-italic.woff': '@fontsource/playfair-display/files/playfair-display-latin-700-italic.woff',
  'StardosStencil-700.woff': '@fontsource/stardos-stencil/files/stardos-stencil-latin-700-normal.woff',
  'Nunito-800.woff': '@fontsource/nunito/files/nunito-latin-800-normal.woff',
  'LibreBaskerville-400-italic.woff': '@fontsource/libre-baskerville/files/libre-baskerville-latin-400-italic.woff',
  'PatrickHand-400.woff': '@fontsource/patrick-hand/files/patrick-hand-latin-400-normal.woff',
};

const FONT_EXTENSIONS = ['.ttf', '.otf', '.woff'];

/**
 * The font files to render with, sorted by name so the choice of font for a seed does not
 * depend on where they were found. `fontsDir` wins; otherwise `<bundle dir>/fonts` (dist/fonts
 * next to the bundle), and under tsx the same files straight from node_modules.
 */
export async function findFontFiles(fontsDir?: string): Promise<string[]> {
  if (fontsDir !== undefined) {
    let names: string[];
    try {
      names = await fs.readdir(fontsDir);
    } catch (err) {
      throw new Error(`cannot read the fonts folder ${fontsDir}: ${(err as Error).message}`);
    }
    const files = names.filter((n) => FONT_EXTENSIONS.includes(path.extname(n).toLowerCase())).sort();
    if (files.length === 0) throw new Error(`no .ttf, .otf or .woff fonts in ${fontsDir}`);
    return files.map((n) => path.join(fontsDir, n));
  }
  const names = Object.keys(BUNDLED_FONTS).sort();
  const bundled = path.join(__dirname, 'fonts');
  if (names.every((n) => existsSync(path.join(bundled, n)))) return names.map((n) => path.join(bundled, n));
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const modules = path.join(dir, 'node_modules');
    const files = names.map((n) => path.join(modules, BUNDLED_FONTS[n]));
    if (files.every((f) => existsSync(f))) return files;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`the synthetic generator's fonts are missing: looked in ${bundled} and in node_modules above ${__dirname}`);
}

export interface DigitGlyph {
  /** Outline in em units, y down, baseline at y = 0, origin at the pen position. */
  contours: Contour[];
  bounds: Bounds;
  advance: number;
}

export interface DigitFont {
  name: string;
  /** Index = digit. */
  glyphs: DigitGlyph[];
  /** Typical digit height in em units (tallest of the ten), to size text by digit height. */
  digitHeight: number;
}

const cache = new Map<string, Promise<DigitFont>>();

/** Parses a font file and flattens its digits; cached per file for the life of the process. */
export function loadDigitFont(file: string): Promise<DigitFont> {
  let font = cache.get(file);
  if (!font) {
    font = parseDigitFont(file);
    cache.set(file, font);
    font.catch(() => cache.delete(file));
  }
  return font;
}

async function parseDigitFont(file: string): Promise<DigitFont> {
  const bytes = await fs.readFile(file);
  let font: opentype.Font;
  try {
    font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (err) {
    throw new Error(`cannot read the font ${file}: ${(err as Error).message}`);
  }
  const em = font.unitsPerEm;
  const glyphs: DigitGlyph[] = [];
  for (let d = 0; d <= 9; d++) {
    const glyph = font.charToGlyph(String(d));
    // getPath at size = unitsPerEm keeps font units and flips y to point down.
    const commands = glyph.getPath(0, 0, em).commands as PathCommand[];
    const contours = flattenPath(commands, em / 2000);
    if (contours.length === 0) throw new Error(`the font ${file} has no outline for the digit ${d}`);
    glyphs.push({ contours, bounds: contourBounds(contours), advance: glyph.advanceWidth ?? em * 0.6 });
  }
  const digitHeight = Math.max(...glyphs.map((g) => g.bounds.maxY - g.bounds.minY));
  return { name: path.basename(file), glyphs, digitHeight };
}
