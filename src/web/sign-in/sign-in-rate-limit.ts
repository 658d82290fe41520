import { Injectable } from '@nestjs/common';
import { Clock } from '../../clock/clock';

/** How many e-mail sign-in requests are accepted per window: per address, and per client IP. */
export const SIGN_IN_RATE = { windowMs: 15 * 60_000, perAddress: 5, perClient: 20 } as const;

/**
 * Limits requests for sign-in e-mails, so the form cannot flood a mailbox or probe many addresses. Kept in
 * memory (per api process: with N replicas the limits are N times looser, and a restart forgets them); the
 * sessions and links themselves are in the database. Every request counts, whether the address is known or
 * not, so the limit says nothing about who is here.
 */
@Injectable()
export class SignInRateLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Counts one request; null when allowed, else when the limits let this request through again. */
  take(address: string, client: string): { retryAt: Date; seconds: number } | null {
    const now = this.clock.nowMs();
    this.forgetOld(now);
    const keys: Array<[string, number]> = [
      [`address:${address}`, SIGN_IN_RATE.perAddress],
      [`client:${client}`, SIGN_IN_RATE.perClient],
    ];
    let retryAt: number | null = null;
    for (const [key, limit] of keys) {
      const times = this.hits.get(key) ?? [];
      if (times.length >= limit) {
        const free = times[times.length - limit] + SIGN_IN_RATE.windowMs;
        retryAt = Math.max(retryAt ?? 0, free);
      }
    }
    if (retryAt !== null) {
      return { retryAt: new Date(retryAt), seconds: Math.max(1, Math.ceil((retryAt - now) / 1000)) };
    }
    for (const [key] of keys) {
      this.hits.set(key, [...(this.hits.get(key) ?? []), now]);
    }
    return null;
  }

  private forgetOld(now: number): void {
    for (const [key, times] of this.hits) {
      const kept = times.filter((time) => time > now - SIGN_IN_RATE.windowMs);
      if (kept.length === 0) {
        this.hits.delete(key);
      } else if (kept.length !== times.length) {
        this.hits.set(key, kept);
      }
    }
  }
}
