import { businessHoursOf, businessMinutesBetween, type BusinessHours } from '../../scheduling/business-hours';

/** The brand's response SLA when `inbox.responseSla` is left out (the config schema's default). */
export const DEFAULT_RESPONSE_SLA_MS = 4 * 3_600_000;
/** From this share of the SLA on, an item is "near" its deadline. */
export const NEAR_SHARE = 0.75;

export type SlaStatus = 'within' | 'near' | 'past';

/** How long an item has waited, in the brand's opening time, against its response SLA. */
export interface SlaAge {
  /** Opening minutes since the item arrived (until it was answered, when it was). */
  minutes: number;
  slaMinutes: number;
  /** minutes / slaMinutes: sorts items by urgency. */
  share: number;
  status: SlaStatus;
  /** "2h 10m of 4h". */
  label: string;
}

/** The brand's inbox settings as the SLA needs them (brands.<id>.timezone and .inbox). */
export interface BrandInboxSettings {
  timezone: string;
  inbox?: { responseSla?: number; businessHours?: string | string[] };
}

/** The opening hours and SLA of a brand, read once per page. */
export function brandSla(brand: BrandInboxSettings): { slaMs: number; hours: BusinessHours | undefined } {
  return {
    slaMs: brand.inbox?.responseSla ?? DEFAULT_RESPONSE_SLA_MS,
    hours: businessHoursOf(brand.timezone, brand.inbox?.businessHours),
  };
}

/**
 * The age of an item in business minutes (the scheduling module's computation, the one the inbox-unanswered
 * guard uses), counted until `until` (now, or when the item was answered).
 */
export function slaAge(
  receivedAt: Date,
  until: Date,
  sla: { slaMs: number; hours: BusinessHours | undefined },
): SlaAge {
  const minutes = Math.floor(businessMinutesBetween(receivedAt, until, sla.hours));
  const slaMinutes = Math.round(sla.slaMs / 60_000);
  const share = slaMinutes > 0 ? minutes / slaMinutes : 1;
  const status: SlaStatus = minutes >= slaMinutes ? 'past' : share >= NEAR_SHARE ? 'near' : 'within';
  return {
    minutes,
    slaMinutes,
    share,
    status,
    label: `${formatMinutes(minutes)} of ${formatMinutes(slaMinutes)}`,
  };
}

/** 130 → "2h 10m", 240 → "4h", 45 → "45m", 0 → "0m"; days are shown as hours (an SLA is counted in hours). */
export function formatMinutes(total: number): string {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : ''].filter(Boolean).join(' ') || '0m';
}
