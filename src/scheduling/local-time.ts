import { DateTime } from 'luxon';

/**
 * The UTC instant of a wall-clock time in a zone. A time that does not exist (the spring-forward gap)
 * moves forward by the gap; a time that exists twice (the fall-back overlap) takes the first occurrence.
 */
export function localToUtc(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): Date {
  const candidate = DateTime.fromObject(local, { zone });
  if (!candidate.isValid) {
    throw new Error(
      `cannot place ${JSON.stringify(local)} in ${zone}: ${candidate.invalidExplanation ?? 'invalid'}`,
    );
  }
  // Luxon resolves an ambiguous time to one of its two offsets; prefer the earlier instant explicitly.
  const earlier = candidate.minus({ hours: 1 });
  if (earlier.hour === local.hour && earlier.minute === local.minute && earlier.day === local.day) {
    return earlier.toJSDate();
  }
  return candidate.toJSDate();
}

/** Parses "YYYY-MM-DD HH:MM" as a wall-clock time in a zone. */
export function parseLocalDateTime(text: string, zone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text);
  if (!match) {
    throw new Error(`"${text}" is not "YYYY-MM-DD HH:MM"`);
  }
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  return localToUtc({ year, month, day, hour, minute }, zone);
}
