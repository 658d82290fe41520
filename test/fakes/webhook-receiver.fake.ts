import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { OutcomeScript, RecordingHttpServer, type RecordedRequest } from './recording-http.server';

export type ReceiverOutcome =
  | { ok: true }
  | { status: 429; retryAfter: string }
  /** `body`: answer with this text instead of a JSON error (e.g. a receiver that echoes what it got). */
  | { status: 400 | 404 | 408 | 410 | 500 | 502 | 503; body?: string };

/**
 * What a receiver does with X-Metronome-Signature (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`):
 * recompute the HMAC over the raw body, compare in constant time, and refuse timestamps older than the
 * tolerance so a captured request cannot be replayed later. Written from README "Notifiers → webhook".
 */
export function verifyMetronomeSignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  now: Date,
  toleranceSeconds = 300,
): { ok: true } | { ok: false; reason: string } {
  const parts = new Map((header ?? '').split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const signature = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'malformed signature header' };
  }
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp outside tolerance (replay?)' };
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'))
    ? { ok: true }
    : { ok: false, reason: 'signature mismatch' };
}

/**
 * A receiver for the generic webhook notifier: verifies every request's signature (401 when it fails),
 * counts distinct event ids, and answers 200 or a scripted 429/4xx/5xx.
 */
export class WebhookReceiverFake extends RecordingHttpServer {
  private readonly script = new OutcomeScript<ReceiverOutcome>();
  readonly verdicts: Array<{ ok: boolean; reason?: string }> = [];
  readonly eventIds = new Set<string>();

  constructor(
    private readonly secret: string,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {
    super();
  }

  willAnswer(...outcomes: ReceiverOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  get url(): string {
    return `${this.baseUrl}/hooks/metronome`;
  }

  protected respond(request: RecordedRequest, res: ServerResponse): void {
    const header = request.headers['x-metronome-signature'];
    const verdict = verifyMetronomeSignature(
      typeof header === 'string' ? header : undefined,
      request.body,
      this.secret,
      this.clock.now(),
    );
    this.verdicts.push(verdict);
    if (!verdict.ok) {
      return this.send(res, 401, { error: verdict.reason });
    }
    const outcome = this.script.next({ ok: true });
    if ('ok' in outcome) {
      const eventId = request.headers['x-metronome-event-id'];
      if (typeof eventId === 'string') {
        this.eventIds.add(eventId);
      }
      return this.send(res, 200, { received: true });
    }
    if (outcome.status === 429) {
      return this.send(res, 429, { error: 'slow down' }, { 'retry-after': outcome.retryAfter });
    }
    this.send(
      res,
      outcome.status,
      'body' in outcome ? (outcome.body ?? '') : { error: `scripted ${outcome.status}` },
    );
  }
}
