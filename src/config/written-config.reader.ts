/**
 * Reading the configuration as written, before (or whatever) the schema says about it: reference checks
 * run on every part that has the right shape, so one wrong field never hides the mistakes beside it.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of a mapping, or none when the value is not a mapping. */
export function entriesOf(value: unknown): Array<[string, Record<string, unknown>]> {
  return isRecord(value)
    ? Object.entries(value).filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    : [];
}

export function keysOf(value: unknown): string[] {
  return isRecord(value) ? Object.keys(value) : [];
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A mapping field, or an empty one: plugin options default to {}. */
export function recordOf(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
