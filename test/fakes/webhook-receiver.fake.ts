import type { ServerResponse } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { OutcomeScript, RecordingHttpServer, type RecordedRequest } from './recording-http.server';

export type ReceiverOutcome =
  | { ok: true }
  | { status: 429; retryAfter: string }
  /** `body`: answer with this text instead of a JSON error (e.g. a receiver that echoes what it got). */
  | { status: 400 | 404 | 408 | 410 | 500 | 502 | 503; body?: string };

/**
 * What a receiver does, as README "Verifying webhooks" tells it: the Standard Webhooks reference library
 * checks webhook-signature over the raw body with the shared secret, and refuses a webhook-timestamp more
 * than 5 minutes away (no replays).
 */
export function verifyStandardWebhook(
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  secret: string,
): { ok: true } | { ok: false; reason: string } {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') {
      flat[name] = value;
    }
  }
  try {
    new Webhook(secret).verify(rawBody, flat);
    return { ok: true };
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return { ok: false, reason: error.message };
    }
    throw error;
  }
}

/**
 * A receiver for the generic webhook notifier: verifies every request's Standard Webhooks signature (401 when it fails),
 * counts distinct event ids, and answers 200 or a scripted 429/4xx/5xx.
 */
export class WebhookReceiverFake extends RecordingHttpServer {
  private readonly script = new OutcomeScript<ReceiverOutcome>();
  readonly verdicts: Array<{ ok: boolean; reason?: string }> = [];
  readonly eventIds = new Set<string>();

  constructor(private readonly secret: string) {
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
    const verdict = verifyStandardWebhook(request.headers, request.body, this.secret);
    this.verdicts.push(verdict);
    if (!verdict.ok) {
      return this.send(res, 401, { error: verdict.reason });
    }
    const outcome = this.script.next({ ok: true });
    if ('ok' in outcome) {
      const eventId = request.headers['webhook-id'];
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
