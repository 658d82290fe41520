import { DateTime } from 'luxon';

/**
 * Times for people: in the brand's zone with the abbreviation people there use ("BST", "CET", "EST",
 * "AEDT"). Intl names a zone's abbreviation only in locales where it is customary (en-US knows EST but
 * calls London's summer "GMT+1", en-GB knows BST but calls New York "GMT-4"), so the first locale that has
 * a name wins, and the offset ("GMT+9") is the fallback.
 */
const LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-NZ', 'en-IN', 'ja-JP', 'en-ZA', 'en-CA'];

export const SHORT = 'yyyy-LL-dd HH:mm';
export const LONG = 'ccc d LLL yyyy, HH:mm';

export function zoneAbbreviation(time: DateTime): string {
  let fallback = '';
  for (const locale of LOCALES) {
    const name = time.setLocale(locale).toFormat('ZZZZ');
    if (!/^GMT[+-]/.test(name)) {
      return name;
    }
    fallback ||= name;
  }
  return fallback;
}

/** "2026-12-04 09:15 GMT" (SHORT, lists and details) or "Fri 4 Dec 2026, 09:15 GMT" (LONG, e-mails). */
export function formatBrandTime(at: Date | string, zone: string, layout: string = SHORT): string {
  const time = (
    typeof at === 'string' ? DateTime.fromISO(at, { setZone: true }) : DateTime.fromJSDate(at)
  ).setZone(zone);
  if (!time.isValid) {
    return String(at);
  }
  return `${time.setLocale('en-GB').toFormat(layout)} ${zoneAbbreviation(time)}`;
}
