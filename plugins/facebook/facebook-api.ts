import { createHmac } from 'node:crypto';
import {
  neverSent,
  outcomeUnknown,
  transientFailure,
  type PluginClock,
  type PluginHttpClient,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { graphErrorOf, graphFailure } from './facebook-errors';
import { graphUrl } from './facebook-version';

/** Every Graph call gets this long; uploads by URL make Facebook fetch the photo, so they get longer. */
export const GRAPH_TIMEOUT_MS = 15_000;
export const PHOTO_TIMEOUT_MS = 60_000;

export type GraphParams = Record<string, string | number | boolean | undefined>;

export interface GraphCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path under the version, e.g. "123/feed". */
  path: string;
  /** Query parameters (GET, DELETE) or form fields (POST). */
  params?: GraphParams;
  /** For people: "publishing a post". */
  what: string;
  /** True when the call creates something: an answer that never came is an unknown outcome, looked up later. */
  creates?: boolean;
  timeoutMs?: number;
}

export interface GraphAnswer<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface GraphApiSettings {
  http: PluginHttpClient;
  clock: PluginClock;
  baseUrl: string;
  /** The Page access token in force, read on every call (never kept beyond it). */
  token: () => Promise<string>;
  /** The app secret: every call then carries appsecret_proof (Meta's "Require App Secret" setting). */
  appSecret?: string;
  /** The command that reconnects the channel, for messages. */
  reconnectHint: string;
}

/**
 * One Page's Graph API over the plugin context's HTTP client. The token travels in the Authorization header (never
 * in a URL, so no log line can hold it); Graph's error answers become the SDK's errors (facebook-errors.ts).
 */
export class GraphApi {
  constructor(private readonly settings: GraphApiSettings) {}

  async call<T>(call: GraphCall): Promise<GraphAnswer<T>> {
    const method = call.method ?? 'GET';
    const token = await this.settings.token();
    const params: GraphParams = { ...call.params };
    if (this.settings.appSecret) {
      params.appsecret_proof = createHmac('sha256', this.settings.appSecret).update(token).digest('hex');
    }
    const encoded = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) {
        encoded.set(name, String(value));
      }
    }
    const url = new URL(graphUrl(this.settings.baseUrl, call.path));
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    let body: string | undefined;
    if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = encoded.toString();
    } else {
      encoded.forEach((value, name) => url.searchParams.set(name, value));
    }
    let response: PluginHttpResponse;
    try {
      response = await this.settings.http.request(url.toString(), {
        method,
        headers,
        body,
        timeoutMs: call.timeoutMs ?? GRAPH_TIMEOUT_MS,
      });
    } catch (error) {
      throw this.noAnswer(call, error, !neverSent(error));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.noAnswer(call, error, true);
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const failed = response.status < 200 || response.status > 299 || graphErrorOf(parsed) !== undefined;
    if (failed) {
      throw graphFailure(response.status, response.headers, parsed, {
        what: call.what,
        creates: call.creates === true,
        reconnectHint: this.settings.reconnectHint,
        now: this.settings.clock.now(),
      });
    }
    if (parsed === undefined) {
      const message = `Facebook answered ${call.what} with something that is not JSON (is graphBaseUrl the Graph API?)`;
      throw call.creates ? outcomeUnknown(message) : transientFailure(message);
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  private noAnswer(call: GraphCall, error: unknown, mayHaveArrived: boolean): Error {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `Facebook did not answer ${call.what}: ${reason}`;
    return call.creates && mayHaveArrived
      ? outcomeUnknown(`${message} (it may have been done: it is looked up before any resend)`, {
          cause: error,
        })
      : transientFailure(message, { cause: error });
  }
}
