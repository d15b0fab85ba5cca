// Small runtime checks for messages that cross a process boundary (webview <-> host, host <->
// engine worker). TypeScript's types end at postMessage; these make the receiving side check
// what it got before trusting it. Each check is a predicate; `shape` combines them per field.

export type Check<T> = (value: unknown) => value is T;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);
export const isNonNegativeInteger = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
export const isPositiveNumber = (v: unknown): v is number => isFiniteNumber(v) && v > 0;

/** One of the listed values (an `as const` list). */
export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (v: unknown): v is T => (values as readonly unknown[]).includes(v);
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v: unknown): v is T | undefined => v === undefined || check(v);
}

export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v: unknown): v is T[] => Array.isArray(v) && v.every((x) => check(x));
}

type Checks<T> = { [K in keyof T]-?: Check<T[K]> };

/** An object whose listed fields pass their checks (other fields are allowed and ignored). */
export function shape<T>(checks: Checks<T>): Check<T> {
  return (v: unknown): v is T => isRecord(v) && Object.entries(checks).every(([key, check]) => (check as Check<unknown>)(v[key]));
}

/**
 * A message of a discriminated union (`kind`): one check per kind, looked up as an own property
 * (so 'toString' is no kind), and applied to the whole message.
 */
export function checkByKind<M extends { kind: string }>(checks: Record<M['kind'], Check<unknown>>, value: unknown): value is M {
  if (!isRecord(value) || typeof value.kind !== 'string' || !Object.hasOwn(checks, value.kind)) return false;
  return checks[value.kind as M['kind']](value);
}
