import { DateTime } from 'luxon';

/** "2026-12-04 09:15 GMT": how people read a time, in the brand's zone. */
export function formatLocal(iso: string | null, zone: string): string {
  return iso ? DateTime.fromISO(iso, { zone }).toFormat('yyyy-LL-dd HH:mm ZZZZ') : '(no time)';
}
