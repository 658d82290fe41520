/**
 * Graph writes times as "2026-12-07T16:50:25+0000" (ISO 8601 with a colon-less offset, whole seconds). Answers
 * undefined for anything else.
 */
export function parseGraphTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalized);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Unix seconds, as Graph's `since`/`until` take them. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
