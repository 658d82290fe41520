import {
  neverSent,
  needsReconnect,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  transientFailure,
  type PluginClock,
  type PluginHttpClient,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { INSTAGRAM_API_VERSION } from './instagram-version';

export const API_TIMEOUT_MS = 15_000;

/** Graph error codes meaning the token is expired, revoked or lacks a permission (Graph API error handling). */
const AUTH_CODES = new Set([102, 190, 10, 200]);
/** Graph throttling codes: app, user, business-use-case and API-specific rate limits. */
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80002]);
/** code 9 subcode 2207042: the account reached its 24-hour publishing limit. */
const PUBLISH_LIMIT = { code: 9, subcode: 2207042 };

/** A Graph error body: `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`. */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
}

export interface GraphCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path under the version, e.g. "/17841400000000000/media". */
  path: string;
  params?: Record<string, string | undefined>;
  /** What the call does, for people: "creating the media container". */
  what: string;
  /** A write whose lost answer may have changed something: answers with no reply become outcomeUnknown. */
  mayCreate?: boolean;
}

/**
 * One call at a time to graph.instagram.com (Instagram API with Instagram Login). The token is read for every
 * call by the caller and sent as a Bearer header, never in the URL, so no log line or error carries it. Every
 * non-2xx answer becomes the SDK error the core acts on.
 */
export class InstagramApi {
  constructor(
    private readonly http: PluginHttpClient,
    private readonly clock: PluginClock,
    private readonly baseUrl: string,
  ) {}

  async call<T>(call: GraphCall, accessToken: string): Promise<T> {
    const method = call.method ?? 'GET';
    const url = new URL(`/${INSTAGRAM_API_VERSION}${call.path}`, this.baseUrl);
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(call.params ?? {})) {
      if (value === undefined) {
        continue;
      }
      if (method === 'GET') {
        url.searchParams.set(name, value);
      } else {
        form.set(name, value);
      }
    }
    let response: PluginHttpResponse;
    try {
      response = await this.http.request(url.toString(), {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${accessToken}`,
          ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: method === 'POST' ? form.toString() : undefined,
        timeoutMs: API_TIMEOUT_MS,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = `Instagram did not answer ${method} ${call.path} while ${call.what}: ${reason}`;
      throw call.mayCreate && !neverSent(error)
        ? outcomeUnknown(message, { cause: error })
        : transientFailure(message, { cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      const message = `Instagram stopped answering ${method} ${call.path} mid-body while ${call.what}`;
      throw call.mayCreate
        ? outcomeUnknown(message, { cause: error })
        : transientFailure(message, { cause: error });
    }
    if (response.status >= 200 && response.status < 300) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw transientFailure(
          `Instagram answered ${method} ${call.path} with something that is not JSON while ${call.what}: is apiBaseUrl the Graph host (https://graph.instagram.com)?`,
        );
      }
    }
    throw this.failure(response, text, call);
  }

  /** The SDK error for a non-2xx Graph answer. */
  failure(response: PluginHttpResponse, text: string, call: GraphCall): Error {
    const error = parseGraphError(text);
    const code = error.code;
    const words = `${error.message ?? '(no message)'}${code !== undefined ? ` (code ${code}${error.error_subcode ? `/${error.error_subcode}` : ''})` : ''}`;
    const status = response.status;
    if (status === 429 || (code !== undefined && THROTTLE_CODES.has(code))) {
      const resetAt = graphResetAt(response.headers, this.clock.now());
      return rateLimited(
        `Instagram rate limit reached while ${call.what}: ${words}; it resets at ${resetAt.toISOString()}`,
        resetAt,
      );
    }
    if (code === PUBLISH_LIMIT.code && error.error_subcode === PUBLISH_LIMIT.subcode) {
      return rateLimited(
        `Instagram's 24-hour publishing limit is reached (${words}); the post waits`,
        new Date(this.clock.now().getTime() + 3_600_000),
      );
    }
    if (status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code))) {
      return needsReconnect(
        `Instagram refused the access token while ${call.what} (${status}: ${words}): reconnect the channel with \`metronome channels connect\`, granting instagram_business_basic, instagram_business_content_publish, instagram_business_manage_comments and instagram_business_manage_insights`,
      );
    }
    if (status >= 500) {
      const message = `Instagram answered ${status} while ${call.what}: ${words}`;
      return call.mayCreate && status !== 503 ? outcomeUnknown(message) : transientFailure(message);
    }
    if (error.code === 2 || (error as { is_transient?: boolean }).is_transient) {
      return transientFailure(`Instagram had a temporary problem while ${call.what}: ${words}`);
    }
    return refusedByPlatform(code ?? status, `${error.message ?? `HTTP ${status}`} (while ${call.what})`);
  }
}

function parseGraphError(text: string): GraphError & { is_transient?: boolean } {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (body.error && typeof body.error === 'object') {
      return body.error;
    }
    if (typeof body.message === 'string') {
      return { message: body.message };
    }
  } catch {
    // An HTML error page from a proxy.
  }
  return {
    message:
      text
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 200) || undefined,
  };
}

/**
 * When a throttled account may call again: the largest `estimated_time_to_regain_access` (minutes) in
 * X-Business-Use-Case-Usage, else Retry-After, else one minute; never earlier than a second from now.
 */
export function graphResetAt(headers: Record<string, string>, now: Date): Date {
  let waitMs = 0;
  const usage = headers['x-business-use-case-usage'];
  if (usage) {
    try {
      const byBusiness = JSON.parse(usage) as Record<
        string,
        Array<{ estimated_time_to_regain_access?: number }>
      >;
      for (const entries of Object.values(byBusiness)) {
        for (const entry of Array.isArray(entries) ? entries : []) {
          const minutes = Number(entry.estimated_time_to_regain_access ?? 0);
          if (Number.isFinite(minutes)) {
            waitMs = Math.max(waitMs, minutes * 60_000);
          }
        }
      }
    } catch {
      // Unreadable: fall back below.
    }
  }
  const retryAfter = headers['retry-after']?.trim();
  if (waitMs === 0 && retryAfter && /^\d+(\.\d+)?$/.test(retryAfter)) {
    waitMs = Math.ceil(Number(retryAfter)) * 1000;
  }
  if (waitMs === 0) {
    waitMs = 60_000;
  }
  return new Date(now.getTime() + Math.max(waitMs, 1_000));
}
