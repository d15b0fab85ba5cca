// Labels mistyped the way people mistype them (two neighbouring digits swapped, a digit dropped,
// a digit doubled, one digit wrong), for measuring and testing the label-error finder on data
// whose true labels are known. Pure and seeded: the same seed gives the same mistakes.
import { mulberry32 } from './mulberry32';

export const MISTAKE_KINDS = ['swap', 'drop', 'double', 'wrong'] as const;
export type MistakeKind = (typeof MISTAKE_KINDS)[number];

/** The kinds that can change `label` (a swap needs two different neighbours, a drop two digits). */
export function possibleMistakes(label: string): MistakeKind[] {
  if (!/^[0-9]+$/.test(label)) return [];
  const kinds: MistakeKind[] = ['double', 'wrong'];
  if (label.length >= 2) kinds.push('drop');
  if ([...label].some((d, i) => i > 0 && d !== label[i - 1])) kinds.push('swap');
  return kinds;
}

/** `label` with one mistake of `kind`; the result always differs from `label`. */
export function mistype(label: string, kind: MistakeKind, rand: () => number): string {
  const pick = (n: number): number => Math.floor(rand() * n);
  switch (kind) {
    case 'swap': {
      const places = [...label].flatMap((d, i) => (i > 0 && d !== label[i - 1] ? [i] : []));
      const i = places[pick(places.length)];
      return label.slice(0, i - 1) + label[i] + label[i - 1] + label.slice(i + 1);
    }
    case 'drop': {
      const i = pick(label.length);
      const out = label.slice(0, i) + label.slice(i + 1);
      // Dropping one of two equal neighbours is a drop all the same; only the result matters.
      return out;
    }
    case 'double': {
      const i = pick(label.length);
      return label.slice(0, i + 1) + label[i] + label.slice(i + 1);
    }
    case 'wrong': {
      const i = pick(label.length);
      const d = (Number(label[i]) + 1 + pick(9)) % 10;
      return label.slice(0, i) + String(d) + label.slice(i + 1);
    }
  }
}

export interface Mistake {
  /** Index in the list given. */
  index: number;
  kind: MistakeKind;
  truth: string;
  typed: string;
}

/**
 * Mistypes `fraction` of the digit labels in `labels` (those `possibleMistakes` can change),
 * each with a kind drawn uniformly among the kinds it allows. Returns the new labels and what changed.
 */
export function mistypeLabels(labels: readonly string[], fraction: number, seed: number): { labels: string[]; mistakes: Mistake[] } {
  const rand = mulberry32(seed);
  const candidates = labels.flatMap((l, i) => (possibleMistakes(l).length > 0 ? [i] : []));
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const chosen = candidates.slice(0, Math.round(fraction * labels.length)).sort((a, b) => a - b);
  const out = [...labels];
  const mistakes = chosen.map((index): Mistake => {
    const kinds = possibleMistakes(labels[index]);
    const kind = kinds[Math.floor(rand() * kinds.length)];
    const typed = mistype(labels[index], kind, rand);
    out[index] = typed;
    return { index, kind, truth: labels[index], typed };
  });
  return { labels: out, mistakes };
}
