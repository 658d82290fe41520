import { createHmac, timingSafeEqual } from 'node:crypto';

export type IncidentLinkAction = 'ack' | 'resolve';

/** Links older than this are refused whatever they say, so a link in an old mailbox cannot act. */
export const MAX_LINK_LIFETIME_MS = 7 * 86_400_000;
const DEFAULT_LINK_LIFETIME_MS = 3 * 86_400_000;

/**
 * Signed links in notifications let a person acknowledge or resolve an incident without an API token.
 * The signature covers the incident, the action and an expiry (at most 7 days ahead); the incident's own
 * state makes each link single-use (an acknowledged incident cannot be acknowledged again). Opening a link
 * only shows a page; the action needs the page's POST (see IncidentLinksController).
 * Without a key (Postgres without METRONOME_SECRET_KEY) it makes no links and accepts none.
 */
export class IncidentLinkSigner {
  private readonly lifetimeMs: number;

  constructor(
    private readonly key: string | undefined,
    private readonly baseUrl: string,
    lifetimeMs = DEFAULT_LINK_LIFETIME_MS,
  ) {
    this.lifetimeMs = Math.min(lifetimeMs, MAX_LINK_LIFETIME_MS);
  }

  /** The Acknowledge and Resolve links for a notification; none when links are off. */
  links(incidentId: string, now: Date): Array<{ label: string; url: string }> {
    if (!this.key) {
      return [];
    }
    return [
      { label: 'Acknowledge', url: this.link(incidentId, 'ack', now) },
      { label: 'Resolve', url: this.link(incidentId, 'resolve', now) },
    ];
  }

  link(incidentId: string, action: IncidentLinkAction, now: Date): string {
    const expires = Math.floor((now.getTime() + this.lifetimeMs) / 1000);
    const token = `${expires}.${this.sign(incidentId, action, expires)}`;
    return `${this.baseUrl.replace(/\/$/, '')}/api/v1/incidents/${incidentId}/${action}?token=${token}`;
  }

  verify(
    incidentId: string,
    action: IncidentLinkAction,
    token: string,
    now: Date,
  ): 'ok' | 'expired' | 'invalid' {
    const [expiresText, signature] = token.split('.');
    const expires = Number(expiresText);
    if (!this.key || !Number.isInteger(expires) || !signature) {
      return 'invalid';
    }
    const expected = Buffer.from(this.sign(incidentId, action, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return 'invalid';
    }
    if (expires * 1000 > now.getTime() + MAX_LINK_LIFETIME_MS) {
      return 'invalid';
    }
    return expires * 1000 < now.getTime() ? 'expired' : 'ok';
  }

  private sign(incidentId: string, action: IncidentLinkAction, expires: number): string {
    return createHmac('sha256', this.key ?? '')
      .update(`${incidentId}:${action}:${expires}`)
      .digest('base64url');
  }
}
