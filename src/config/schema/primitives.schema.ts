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

/** A duration written the way people write it in YAML: "30m", "48h", "7d". */
export const durationSchema = z
  .string()
  .refine((text) => parseDurationMs(text) !== undefined, {
    error: (issue) => `"${String(issue.input)}" is not a duration: write e.g. "30m", "48h" or "7d"`,
  })
  .meta({ description: 'A duration such as "15m", "48h" or "7d".' });

export function parseDurationMs(text: string): number | undefined {
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/.test(text.trim())) {
    return undefined;
  }
  const value = ms(text.trim() as ms.StringValue);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

export const emailSchema = z.email({ error: 'must be an e-mail address such as "ana@example.com"' });

export const urlSchema = z.url({ error: 'must be an absolute URL such as "https://example.com/x"' });

/** Plugin options are validated by the plugin's own schema; here they are only an object. */
export const pluginOptionsSchema = z
  .record(z.string(), z.unknown())
  .default({})
  .meta({ description: 'Options for the plugin, validated by the plugin’s own schema.' });
