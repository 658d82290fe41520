import { createHmac, timingSafeEqual } from 'node:crypto';

export type IncidentLinkAction = 'ack' | 'resolve';

/**
 * Signed links in notifications let a person acknowledge or resolve an incident without an API token.
 * The signature covers the incident, the action and an expiry; the incident's own state makes each
 * link single-use (an acknowledged incident cannot be acknowledged again).
 */
export class IncidentLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly baseUrl: string,
    private readonly lifetimeMs = 7 * 86_400_000,
  ) {}

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
    if (!Number.isInteger(expires) || !signature) {
      return 'invalid';
    }
    const expected = Buffer.from(this.sign(incidentId, action, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return 'invalid';
    }
    return expires * 1000 < now.getTime() ? 'expired' : 'ok';
  }

  private sign(incidentId: string, action: IncidentLinkAction, expires: number): string {
    return createHmac('sha256', this.secret).update(`${incidentId}:${action}:${expires}`).digest('base64url');
  }
}
