import type { ServerResponse } from 'node:http';
import { OutcomeScript, RecordingHttpServer, type RecordedRequest } from './recording-http.server';

export type DiscordOutcome =
  | { ok: true }
  | { rateLimited: { retryAfterSeconds: number; global?: boolean } }
  | { unknownWebhook: true }
  | { invalidToken: true }
  | { serverError: 500 | 502 | 503 };

const WEBHOOK_ID = '1234567890123456789';
const TOKEN = 'fakeDiscordToken_abcdefghijklmnopqrstuvwxyz';

interface Embed {
  title?: string;
  description?: string;
  fields?: Array<{ name: string; value: string }>;
}

interface ExecuteWebhookBody {
  content?: string;
  username?: string;
  embeds?: Embed[];
}

/**
 * A Discord webhook per "Execute Webhook" (discord.com/developers/docs/resources/webhook): 204, or 200 with
 * the message when ?wait=true; 400 `{ code: 50006 }` for an empty message and `{ code: 50035 }` over the
 * content/embed limits; 404 `{ code: 10015 }` for an unknown webhook; 401 `{ code: 50027 }` for a wrong
 * token; scripted 429 with `{ retry_after, global }` and Retry-After, and 5xx.
 */
export class DiscordWebhookFake extends RecordingHttpServer {
  private readonly script = new OutcomeScript<DiscordOutcome>();
  private messages = 0;

  willAnswer(...outcomes: DiscordOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  get webhookUrl(): string {
    return `${this.baseUrl}/api/webhooks/${WEBHOOK_ID}/${TOKEN}`;
  }

  get token(): string {
    return TOKEN;
  }

  protected respond(request: RecordedRequest, res: ServerResponse): void {
    const url = new URL(request.url, this.baseUrl);
    if (request.method !== 'POST' || url.pathname !== `/api/webhooks/${WEBHOOK_ID}/${TOKEN}`) {
      return this.send(res, 404, { message: 'Unknown Webhook', code: 10015 });
    }
    let body: ExecuteWebhookBody;
    try {
      body = JSON.parse(request.body) as ExecuteWebhookBody;
    } catch {
      return this.send(res, 400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    if (!body.content && !(body.embeds ?? []).length) {
      return this.send(res, 400, { message: 'Cannot send an empty message', code: 50006 });
    }
    const invalid = formProblems(body);
    if (invalid.length > 0) {
      return this.send(res, 400, { message: 'Invalid Form Body', code: 50035, errors: invalid });
    }
    const outcome = this.script.next({ ok: true });
    if ('ok' in outcome) {
      this.messages += 1;
      if (url.searchParams.get('wait') === 'true') {
        return this.send(res, 200, { id: `${1000 + this.messages}`, channel_id: '42', ...body });
      }
      return this.send(res, 204);
    }
    if ('rateLimited' in outcome) {
      const { retryAfterSeconds, global = false } = outcome.rateLimited;
      return this.send(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
        {
          'retry-after': String(Math.ceil(retryAfterSeconds)),
          'x-ratelimit-scope': global ? 'global' : 'user',
        },
      );
    }
    if ('unknownWebhook' in outcome) {
      return this.send(res, 404, { message: 'Unknown Webhook', code: 10015 });
    }
    if ('invalidToken' in outcome) {
      return this.send(res, 401, { message: 'Invalid Webhook Token', code: 50027 });
    }
    this.send(res, outcome.serverError, { message: '500: Internal Server Error', code: 0 });
  }
}

/** Discord's documented limits for content, username and embeds. */
function formProblems(body: ExecuteWebhookBody): string[] {
  const problems: string[] = [];
  if ((body.content ?? '').length > 2000) {
    problems.push('content: Must be 2000 or fewer in length.');
  }
  if (body.username !== undefined && (/discord|clyde/i.test(body.username) || body.username.length > 80)) {
    problems.push('username: Username cannot contain "discord" or "clyde", max 80.');
  }
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) {
    problems.push('embeds: Must be 10 or fewer in length.');
  }
  let total = 0;
  for (const embed of embeds) {
    const fields = embed.fields ?? [];
    total += (embed.title ?? '').length + (embed.description ?? '').length;
    total += fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
    if ((embed.title ?? '').length > 256 || (embed.description ?? '').length > 4096 || fields.length > 25) {
      problems.push('embeds: title ≤ 256, description ≤ 4096, fields ≤ 25.');
    }
    if (
      embed.description === '' ||
      fields.some((f) => f.name.length > 256 || f.value.length > 1024 || !f.value)
    ) {
      problems.push(
        'embeds: description and field values must be non-empty; field name ≤ 256, value ≤ 1024.',
      );
    }
  }
  if (total > 6000) {
    problems.push('embeds: Embed size exceeds maximum size of 6000.');
  }
  return problems;
}
