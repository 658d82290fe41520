import {
  AuthenticationError,
  neverSent,
  PermanentError,
  RateLimitedError,
  type PluginClock,
  type PluginHttpClient,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { retryAtFromHeaders } from './mastodon-text';

/** Ordinary API calls. Uploads get longer (see mastodon-media.ts). */
export const API_TIMEOUT_MS = 15_000;

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface ApiCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the server root, e.g. "/api/v1/statuses". */
  path: string;
  query?: Query;
  /** Sent as application/x-www-form-urlencoded, the way Mastodon documents its parameters (`media_ids[]`). */
  form?: URLSearchParams;
  /** A prepared body with its content type (multipart uploads). */
  body?: { bytes: Uint8Array; contentType: string };
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * The request got no answer. A plain Error, so the core treats it as transient; `mayHaveArrived` tells a caller
 * whose request changes something (creating a status) that it must reconcile instead of simply retrying: false
 * only when the connection was never made.
 */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
  constructor(
    message: string,
    readonly mayHaveArrived: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What Mastodon says went wrong: `{"error": "…", "error_description": "…"}`, or the start of the body. */
async function errorMessage(response: PluginHttpResponse): Promise<string> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return '(no body)';
  }
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const parts = [body.error, body.error_description].filter((part) => typeof part === 'string');
    if (parts.length > 0) {
      return parts.join(': ');
    }
  } catch {
    // Not JSON: an HTML error page from the server or a proxy in front of it.
  }
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain ? plain.slice(0, 200) : '(no body)';
}

/**
 * A thin client for one account's Mastodon REST API over the plugin context's HTTP client (which adds the
 * timeout). Non-2xx answers become the SDK's errors: 401/403 → AuthenticationError, 429 → RateLimitedError,
 * 422 and other 4xx → PermanentError, 5xx → plain Error (transient). Messages never contain the token.
 */
export class MastodonApi {
  readonly host: string;

  constructor(
    private readonly http: PluginHttpClient,
    private readonly clock: PluginClock,
    private readonly server: string,
    private readonly accessToken: string,
  ) {
    this.host = new URL(server).host;
  }

  /** Sends a call and returns whatever the server answered; throws NoAnswerError when nothing came back. */
  async send(call: ApiCall): Promise<PluginHttpResponse> {
    const method = call.method ?? 'GET';
    const url = new URL(call.path, this.server);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (Array.isArray(value)) {
        value.forEach((item) => url.searchParams.append(name, item));
      } else if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.accessToken}`,
      ...call.headers,
    };
    let body: string | Uint8Array | undefined;
    if (call.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      body = call.form.toString();
    } else if (call.body) {
      headers['content-type'] = call.body.contentType;
      body = call.body.bytes;
    }
    try {
      return await this.http.request(url.toString(), {
        method,
        headers,
        body,
        timeoutMs: call.timeoutMs ?? API_TIMEOUT_MS,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new NoAnswerError(
        `Mastodon (${this.host}) did not answer ${method} ${call.path}: ${reason}`,
        !neverSent(error),
        {
          cause: error,
        },
      );
    }
  }

  /** Sends a call and reads its JSON body; any non-2xx answer is thrown as the matching SDK error. */
  async json<T>(
    call: ApiCall,
    what: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: T }> {
    const response = await this.send(call);
    if (response.status < 200 || response.status > 299) {
      throw await this.failure(response, what);
    }
    return {
      status: response.status,
      headers: response.headers,
      body: await this.readJson<T>(response, call),
    };
  }

  /** Reads a JSON body; a body that stops arriving (timeout mid-body) is a NoAnswerError like a missing answer. */
  async readJson<T>(response: PluginHttpResponse, call: ApiCall): Promise<T> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new NoAnswerError(
        `Mastodon (${this.host}) stopped answering ${call.method ?? 'GET'} ${call.path} mid-body: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `Mastodon (${this.host}) answered ${call.method ?? 'GET'} ${call.path} with something that is not JSON (is "instance" a Mastodon server?)`,
      );
    }
  }

  /** The SDK error for a non-2xx answer; `what` names the action for people ("publishing a status"). */
  async failure(response: PluginHttpResponse, what: string): Promise<Error> {
    const status = response.status;
    const message = await errorMessage(response);
    if (status === 401 || status === 403) {
      return new AuthenticationError(
        `Mastodon (${this.host}) refused the access token while ${what} (${status}: ${message}): reconnect the channel with a token that has the read and write scopes`,
      );
    }
    if (status === 429) {
      const retryAt = retryAtFromHeaders(response.headers, this.clock.now());
      return new RateLimitedError(
        `Mastodon (${this.host}) rate limit reached while ${what}${retryAt ? `; it resets at ${retryAt.toISOString()}` : ''}`,
        retryAt,
      );
    }
    if (status === 408 || status >= 500) {
      return new Error(`Mastodon (${this.host}) answered ${status} while ${what}: ${message}`);
    }
    if (status === 422) {
      return new PermanentError(`Mastodon (${this.host}) rejected ${what}: ${message}`);
    }
    return new PermanentError(`Mastodon (${this.host}) answered ${status} while ${what}: ${message}`);
  }
}
