import type { PluginContext, PluginHttpResponse } from '../../src/plugin-sdk';
import { failureOf, unanswered, type FailureSite } from './discord-errors';
import type { DiscordMode } from './discord-options.schema';
import { RateLimitBuckets } from './discord-rate-limits';

/** One file of a multipart message: `files[n]`. */
export interface UploadFile {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface DiscordCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /**
   * Bot mode: the path under the API root ("/channels/123/messages"). Webhook mode: the path under the webhook URL
   * ("" for the webhook itself, "/messages/123").
   */
  path: string;
  /** The route as Discord's rate limits see it, ids as placeholders: "POST /channels/{id}/messages". */
  route: string;
  query?: Record<string, string>;
  json?: unknown;
  /** Files: the body becomes multipart/form-data with `payload_json` (the JSON) and `files[n]`. */
  files?: UploadFile[];
  creates?: boolean;
  /** Statuses that are answers, not failures (404 for a delete of a message already gone). */
  alsoFine?: number[];
  what: string;
}

/** A user agent as Discord asks for one (https://discord.com/developers/docs/reference#user-agent). */
const USER_AGENT = 'DiscordBot (https://github.com/metronome/metronome, 1.0.0)';

/**
 * Discord's REST API for one channel: the bot token (`Authorization: Bot …`) or the webhook URL, rate-limit
 * buckets honoured before sending, every non-2xx answer (or none) as the SDK's error. Messages never contain the
 * token or the webhook URL.
 */
export class DiscordApi {
  private readonly buckets = new RateLimitBuckets();

  constructor(
    private readonly context: PluginContext,
    private readonly mode: DiscordMode,
    private readonly timeoutMs: number,
  ) {}

  /** Where a permission refusal tells people to look. */
  channelName(): string {
    return this.mode.kind === 'bot' ? `channel ${this.mode.channelId}` : "the webhook's channel";
  }

  async call(call: DiscordCall): Promise<PluginHttpResponse> {
    const method = call.method ?? 'GET';
    const site: FailureSite = {
      what: call.what,
      creates: call.creates === true,
      channel: this.channelName(),
      mode: this.mode.kind,
      scope: this.context.scope,
    };
    const resource = this.resourceOf(call.path);
    this.buckets.check(call.route, resource, this.context.clock.now(), call.what);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
    if (this.mode.kind === 'bot') {
      headers.authorization = `Bot ${this.mode.token}`;
    }
    let body: string | Uint8Array | undefined;
    if (call.files && call.files.length > 0) {
      const form = multipartOf(call.json ?? {}, call.files);
      headers['content-type'] = form.contentType;
      body = form.body;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    const root = this.mode.kind === 'bot' ? this.mode.apiUrl : this.mode.webhook.base;
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(`${root}${call.path}${query}`, {
        method,
        headers,
        body,
        timeoutMs: call.files?.length ? Math.max(this.timeoutMs, 60_000) : this.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, site);
    }
    const now = this.context.clock.now();
    if (response.status !== 429) {
      this.buckets.update(call.route, resource, response.headers, now);
    }
    if ((response.status >= 200 && response.status < 300) || call.alsoFine?.includes(response.status)) {
      return response;
    }
    throw await failureOf(response, now, site);
  }

  /** A call whose JSON answer is read; an answer that is not JSON names the call. */
  async json<T = unknown>(call: DiscordCall): Promise<T> {
    const response = await this.call(call);
    const text = await response.text().catch((error: unknown) => {
      throw unanswered(error, { what: call.what, creates: call.creates === true });
    });
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `plugin discord: Discord answered ${call.method ?? 'GET'} ${call.route} with something that is not JSON (is the API address Discord's?)`,
      );
    }
  }

  /** The top-level resource of a path, as Discord's buckets count them: the channel, the guild or the webhook. */
  private resourceOf(path: string): string {
    if (this.mode.kind === 'webhook') {
      return `webhook:${this.mode.webhook.id}`;
    }
    const match = /^\/(channels|guilds)\/(\d+)/.exec(path);
    return match ? `${match[1]}:${match[2]}` : 'none';
  }
}

/**
 * A multipart/form-data body (RFC 7578) as Discord takes uploads
 * (https://discord.com/developers/docs/reference#uploading-files): `payload_json` with the JSON, then `files[n]`.
 */
export function multipartOf(json: unknown, files: UploadFile[]): { contentType: string; body: Uint8Array } {
  const boundary = `metronome-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  parts.push(
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(json)}\r\n`,
    ),
  );
  files.forEach((file, index) => {
    parts.push(
      encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="files[${index}]"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.bytes,
      encoder.encode('\r\n'),
    );
  });
  parts.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.length;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}
