import { credentialsOf, type PluginContext, type PluginHttpResponse } from '../../src/plugin-sdk';
import { failureOf, isDailyQuotaError, unanswered } from './youtube-errors';
import type { YouTubeOptions } from './youtube-options.schema';
import { QuotaLedger } from './youtube-quota';

export interface YouTubeCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the API host: "/youtube/v3/videos", "/upload/youtube/v3/videos". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** Raw body (a thumbnail's bytes) with its content type. */
  body?: { bytes: Uint8Array; contentType: string };
  /** Extra request headers (X-Upload-Content-Length…). */
  headers?: Record<string, string>;
  /** Quota units the call costs (checked against the day's budget BEFORE sending). */
  units: number;
  /** A videos.insert: counted against the upload bucket. */
  upload?: boolean;
  creates?: boolean;
  alsoFine?: number[];
  forbiddenIsRefusal?: boolean;
  what: string;
}

/**
 * One channel's YouTube Data API v3: every call carries the current token, is counted against the day's quota
 * before it is sent, and every non-2xx answer (or none) becomes the SDK's error. Messages never contain the token.
 */
export class YouTubeApi {
  readonly quota: QuotaLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly options: YouTubeOptions,
  ) {
    this.quota = new QuotaLedger(
      context.state,
      context.logger,
      options.dailyQuotaUnits,
      options.uploadsPerDay,
    );
  }

  async token(): Promise<string> {
    return this.options.accessToken ?? (await credentialsOf(this.context).current()).accessToken;
  }

  url(path: string, query: YouTubeCall['query'] = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) {
        params.set(name, String(value));
      }
    }
    const search = params.toString();
    return `${this.options.apiUrl.replace(/\/$/, '')}${path}${search ? `?${search}` : ''}`;
  }

  async call(call: YouTubeCall): Promise<PluginHttpResponse> {
    const now = this.context.clock.now();
    await this.quota.spend(now, call.units, call.what, call.upload ? 1 : 0);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.token()}`,
      ...call.headers,
    };
    let body: string | Uint8Array | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json; charset=UTF-8';
      body = JSON.stringify(call.json);
    } else if (call.body) {
      headers['content-type'] = call.body.contentType;
      body = call.body.bytes;
    }
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(this.url(call.path, call.query), {
        method: call.method ?? 'GET',
        headers,
        body,
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, call.creates === true, call.what);
    }
    if ((response.status >= 200 && response.status < 300) || call.alsoFine?.includes(response.status)) {
      return response;
    }
    throw await this.failure(response, call.creates === true, call.what, call.forbiddenIsRefusal);
  }

  /** A call whose JSON answer is read. */
  async json<T>(call: YouTubeCall): Promise<T> {
    const response = await this.call(call);
    return this.parse<T>(response, call.method ?? 'GET', call.path, call.creates === true, call.what);
  }

  async parse<T>(
    response: PluginHttpResponse,
    method: string,
    path: string,
    creates: boolean,
    what: string,
  ): Promise<T> {
    const text = await response.text().catch((error: unknown) => {
      throw unanswered(error, creates, what);
    });
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `plugin youtube: YouTube answered ${method} ${path} with something that is not JSON (is apiUrl "${this.options.apiUrl}" Google's API host?)`,
      );
    }
  }

  async failure(
    response: PluginHttpResponse,
    creates: boolean,
    what: string,
    forbiddenIsRefusal?: boolean,
  ): Promise<Error> {
    const now = this.context.clock.now();
    const error = await failureOf(response, { now, creates, what, forbiddenIsRefusal });
    if (isDailyQuotaError(error)) {
      await this.quota.exhausted(now);
    }
    return error;
  }

  /**
   * A request to a resumable session URI Google gave (its `upload_id` is the session's credential; the token goes
   * along, as Google's client libraries send it). Costs no quota: the videos.insert was counted when it started.
   */
  async session(
    sessionUri: string,
    headers: Record<string, string>,
    body: Uint8Array | undefined,
    timeoutMs: number,
  ): Promise<PluginHttpResponse> {
    const trusted = new URL(sessionUri).host === new URL(this.options.apiUrl).host;
    return this.context.http.request(sessionUri, {
      method: 'PUT',
      headers: { ...(trusted ? { authorization: `Bearer ${await this.token()}` } : {}), ...headers },
      body,
      timeoutMs,
    });
  }
}
