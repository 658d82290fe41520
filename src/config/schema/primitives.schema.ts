import { IANAZone } from 'luxon';
import ms from 'ms';
import { z } from 'zod';

/** Keys users pick for brands, channels, people, notifiers, policies: stable ids that end up in URLs and the DB. */
export const idSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be lowercase letters, digits, "-" or "_" (max 63), e.g. "acme-uk"',
  );

export const timeZoneSchema = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), {
    error: (issue) => `unknown time zone "${String(issue.input)}": use an IANA name such as "Europe/London"`,
  })
  .meta({ description: 'IANA time zone, e.g. "Europe/London" or "America/New_York".' });

/**
 * A duration written the way people write it in YAML ("30m", "48h", "7d"), parsed once at load: the loaded
 * config holds milliseconds. A default is given as written (`.prefault('15m')`), so it is parsed the same way
 * and the JSON Schema editors see still describes a string. A section that holds durations defaults with
 * `.prefault` too: the JSON Schema leaves out a `.default` on anything that transforms.
 */
export const durationSchema = durationTextSchema().transform(toDurationMs);

/** The duration as written, validated but not yet parsed: for a schema that adds its own check on the text. */
export function durationTextSchema() {
  return z
    .string()
    .refine((text) => parseDurationMs(text) !== undefined, {
      error: (issue) => `"${String(issue.input)}" is not a duration: write e.g. "30m", "48h" or "7d"`,
    })
    .meta({ description: 'A duration such as "15m", "48h" or "7d".' });
}

/** Only after the text passed `durationTextSchema`. */
export function toDurationMs(text: string): number {
  return parseDurationMs(text)!;
}

export function parseDurationMs(text: string): number | undefined {
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/.test(text.trim())) {
    return undefined;
  }
  const value = ms(text.trim() as ms.StringValue);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

const UNITS: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * A parsed duration back in words, in the largest unit that holds it whole: 900000 → "15m", 14400000 → "4h",
 * 5400000 → "90m" (what a message shows where the config's value is quoted).
 */
export function formatDurationMs(value: number): string {
  const [unit, size] = UNITS.find(([, size]) => value >= size && value % size === 0) ?? ['ms', 1];
  return `${value / size}${unit}`;
}

export const emailSchema = z.email({ error: 'must be an e-mail address such as "ana@example.com"' });

export const urlSchema = z.url({ error: 'must be an absolute URL such as "https://example.com/x"' });

/** Plugin options are validated by the plugin's own schema; here they are only an object. */
export const pluginOptionsSchema = z
  .record(z.string(), z.unknown())
  .default({})
  .meta({ description: 'Options for the plugin, validated by the plugin’s own schema.' });
