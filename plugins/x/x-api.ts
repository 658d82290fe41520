import type { PluginContext, PluginHttpResponse } from '../../src/plugin-sdk';
import { failureOf, readFailure, unanswered } from './x-errors';
import type { XOptions } from './x-options.schema';

export interface XCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path under the API host, segments already encoded, e.g. "/2/tweets". */
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  /** The call creates something (a post): a failure after sending is an unknown outcome. */
  creates?: boolean;
  /** Statuses that are answers, not failures (404 for a delete of a post already gone). */
  alsoFine?: number[];
  /** Milliseconds for this call (default: options.timeoutMs). */
  timeoutMs?: number;
  /** The action, for messages people read ("publishing a post"). */
  what: string;
}

/** The access token for one call: read anew every time (never kept beyond it), never logged. */
export type TokenSource = () => Promise<string>;

/** The rate-limit headers of the last answer to a create, for the connector's own pacing. */
export interface LimitHeaders {
  remaining?: number;
  reset?: number;
}

/**
 * One account's X API v2: every call carries the current user token; every non-2xx answer (or none) becomes the
 * SDK's error. Messages never contain the token.
 */
export class XApi {
  constructor(
    private readonly context: PluginContext,
    private readonly options: XOptions,
    private readonly token: TokenSource,
  ) {}

  async call(call: XCall): Promise<PluginHttpResponse> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.token()}`,
    };
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) {
        query.set(name, value);
      }
    }
    const search = query.toString();
    const url = `${this.options.apiUrl.replace(/\/$/, '')}${call.path}${search ? `?${search}` : ''}`;
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(url, {
        method,
        headers,
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
        timeoutMs: call.timeoutMs ?? this.options.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, call.creates === true, call.what);
    }
    if ((response.status >= 200 && response.status < 300) || call.alsoFine?.includes(response.status)) {
      return response;
    }
    throw failureOf(
      response.status,
      response.headers,
      await readFailure(response),
      this.context.clock.now(),
      call.creates === true,
      call.what,
    );
  }

  /** A call whose JSON answer is read; a body that is not JSON (or cannot be read) names the call. */
  async json<T>(call: XCall): Promise<{ body: T; headers: Record<string, string> }> {
    const response = await this.call(call);
    const text = await response.text().catch((error: unknown) => {
      throw unanswered(error, call.creates === true, call.what);
    });
    try {
      return { body: JSON.parse(text) as T, headers: response.headers };
    } catch {
      throw new Error(
        `plugin x: X answered ${call.method ?? 'GET'} ${call.path} with something that is not JSON (is apiUrl "${this.options.apiUrl}" X's API?)`,
      );
    }
  }
}

/** The 15-minute window's headers of an answer (`x-rate-limit-remaining`, `x-rate-limit-reset` in epoch seconds). */
export function limitHeadersOf(headers: Record<string, string>): LimitHeaders {
  const number = (value: string | undefined) =>
    value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
  return {
    remaining: number(headers['x-rate-limit-remaining']),
    reset: number(headers['x-rate-limit-reset']),
  };
}
