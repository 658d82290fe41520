import { z, type PluginContext, type PluginHttpResponse } from '../../src/plugin-sdk';
import { failureOf, failureOfResponse, tiktokErrorFromText, unanswered } from './tiktok-errors';

export interface TikTokCall<T> {
  method?: 'GET' | 'POST';
  /** Path from the host, e.g. "/v2/post/publish/video/init/". */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** What `data` must look like; anything else is an error naming the plugin. */
  data: z.ZodType<T>;
  /** Names the action in errors ("starting the post"). */
  what: string;
  /** The call may start a post: a server error or no answer is an unknown outcome. */
  creates?: boolean;
}

/**
 * TikTok's Open API v2 for one channel: JSON bodies, the user token as a Bearer header, every answer
 * `{"data": …, "error": {"code": "ok"}}` (https://developers.tiktok.com/doc/tiktok-api-v2-introduction).
 * Answers are parsed from their text so that 64-bit ids survive (see `int64Strings`).
 */
export class TikTokApi {
  constructor(
    private readonly context: PluginContext,
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly token: () => Promise<string>,
  ) {}

  async call<T>(call: TikTokCall<T>): Promise<{ data: T; text: string }> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.token()}`,
    };
    if (method === 'POST') {
      headers['content-type'] = 'application/json; charset=UTF-8';
    }
    const creates = call.creates ?? false;
    let response: PluginHttpResponse;
    let text: string;
    try {
      response = await this.context.http.request(url.toString(), {
        method,
        headers,
        body: method === 'POST' ? JSON.stringify(call.json ?? {}) : undefined,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, call.what, creates);
    }
    if (response.status < 200 || response.status > 299) {
      throw await failureOfResponse(response, call.what, this.failureContext(creates));
    }
    try {
      text = await response.text();
    } catch (error) {
      throw unanswered(error, `${call.what} (reading the answer)`, creates);
    }
    const error = tiktokErrorFromText(text, response.status);
    if (error.code !== 'ok') {
      // A 200 carrying an error code: mapped by its code.
      throw failureOf(response.status, response.headers, error, call.what, this.failureContext(creates));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw unanswered(cause, `${call.what} (reading the answer)`, creates);
    }
    const parsed = call.data.safeParse((body as { data?: unknown }).data);
    if (!parsed.success) {
      const problem = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'data'}: ${issue.message}`)
        .join('; ');
      const message = `plugin tiktok: TikTok answered ${call.what} with an unexpected shape (${problem})`;
      throw creates ? unanswered(new Error(message), call.what, true) : new Error(message);
    }
    return { data: parsed.data, text };
  }

  private failureContext(creates: boolean) {
    return { now: this.context.clock.now(), scope: this.context.scope, creates };
  }
}

/**
 * The digits of a JSON array of 64-bit integers, read from the raw text: TikTok sends
 * `publicaly_available_post_id` as numbers (e.g. 7351234567890123456), beyond what a JavaScript number holds.
 */
export function int64Strings(text: string, field: string): string[] {
  const match = new RegExp(`"${field}"\\s*:\\s*\\[([^\\]]*)\\]`).exec(text);
  if (!match) {
    return [];
  }
  return match[1]
    .split(',')
    .map((item) => item.trim().replace(/^"|"$/g, ''))
    .filter((item) => /^\d+$/.test(item));
}
