import type { ServerResponse } from 'node:http';
import { OutcomeScript, RecordingHttpServer, type RecordedRequest } from './recording-http.server';

/** Error codes Slack documents for incoming webhooks, with the HTTP status each comes with. */
const SLACK_ERRORS = {
  invalid_payload: 400,
  no_text: 400,
  invalid_blocks: 400,
  action_prohibited: 403,
  invalid_token: 403,
  no_service: 404,
  channel_not_found: 404,
  channel_is_archived: 410,
} as const;

export type SlackErrorCode = keyof typeof SLACK_ERRORS;

export type SlackOutcome =
  | { ok: true }
  | { rateLimited: { retryAfterSeconds: number } }
  | { error: SlackErrorCode }
  | { serverError: 500 | 502 | 503 };

const PATH = '/services/T0FAKE000/B0FAKE000/fakeWebhookSecret0123456789';

interface SlackBody {
  text?: unknown;
  blocks?: Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: { text: string } }> }>;
}

/**
 * A Slack incoming webhook as Slack documents it (api.slack.com/messaging/webhooks): 200 "ok";
 * 400 invalid_payload for unreadable JSON, no_text without text or blocks, invalid_blocks over Block Kit
 * limits; 404 no_service on an unknown URL; scripted 429 with Retry-After, errors and 5xx.
 */
export class SlackWebhookFake extends RecordingHttpServer {
  private readonly script = new OutcomeScript<SlackOutcome>();

  /** Answer the next requests with these outcomes, in order; then succeed again. */
  willAnswer(...outcomes: SlackOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  get webhookUrl(): string {
    return `${this.baseUrl}${PATH}`;
  }

  /** The part of the URL that is the secret. */
  get secretPath(): string {
    return PATH;
  }

  protected respond(request: RecordedRequest, res: ServerResponse): void {
    if (request.method !== 'POST' || request.url !== PATH) {
      return this.send(res, 404, 'no_service');
    }
    const problem = payloadProblem(request.body);
    if (problem) {
      return this.send(res, SLACK_ERRORS[problem], problem);
    }
    const outcome = this.script.next({ ok: true });
    if ('ok' in outcome) {
      this.send(res, 200, 'ok');
    } else if ('rateLimited' in outcome) {
      this.send(res, 429, 'rate_limited', { 'retry-after': String(outcome.rateLimited.retryAfterSeconds) });
    } else if ('error' in outcome) {
      this.send(res, SLACK_ERRORS[outcome.error], outcome.error);
    } else {
      this.send(res, outcome.serverError, 'internal_error');
    }
  }
}

function payloadProblem(raw: string): SlackErrorCode | undefined {
  let body: SlackBody;
  try {
    body = JSON.parse(raw) as SlackBody;
  } catch {
    return 'invalid_payload';
  }
  if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) {
    return 'no_text';
  }
  const blocks = body.blocks ?? [];
  const tooLong = blocks.some(
    (block) =>
      (block.type === 'header' && (block.text?.text.length ?? 0) > 150) ||
      (block.type === 'section' && (block.text?.text.length ?? 0) > 3000) ||
      (block.type === 'actions' &&
        ((block.elements?.length ?? 0) > 25 ||
          (block.elements ?? []).some((e) => (e.text?.text.length ?? 0) > 75))),
  );
  return blocks.length > 50 || tooLong ? 'invalid_blocks' : undefined;
}
