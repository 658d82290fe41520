import {
  needsReconnect,
  neverSent,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  retryAtFromHeaders,
  transientFailure,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';

/**
 * LinkedIn's error body (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling):
 * `{ status, serviceErrorCode?, code?, message, errorDetails?: { inputErrors: [{ code, description }] } }`.
 */
export interface LinkedInErrorBody {
  status?: number;
  serviceErrorCode?: number;
  code?: string;
  message?: string;
  errorDetails?: { inputErrors?: Array<{ code?: string; description?: string }> };
}

/** What LinkedIn said: the most specific code it gave and its message, or the start of whatever it sent. */
export async function platformErrorOf(
  response: PluginHttpResponse,
): Promise<{ code?: string; message: string; body: LinkedInErrorBody }> {
  const text = await response.text().catch(() => '');
  let body: LinkedInErrorBody = {};
  try {
    body = JSON.parse(text) as LinkedInErrorBody;
  } catch {
    // Not JSON: a proxy's error page.
  }
  const input = body.errorDetails?.inputErrors?.[0];
  const code =
    input?.code ??
    body.code ??
    (body.serviceErrorCode === undefined ? undefined : String(body.serviceErrorCode));
  const message = [body.message, input?.description].filter(Boolean).join(': ');
  return { code, message: message || text.trim().slice(0, 200) || `HTTP ${response.status}`, body };
}

/**
 * When a 429 ends. LinkedIn's limits are per 24 h and reset at midnight UTC
 * (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits); it sends no reset header, so
 * the next midnight UTC, unless a Retry-After came (infrastructure protection) — never earlier than now + 1 s.
 */
export function rateLimitResetOf(headers: Record<string, string>, now: Date): Date {
  const retryAfter = retryAtFromHeaders(headers, now);
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const reset = retryAfter ?? midnight;
  return new Date(Math.max(reset.getTime(), now.getTime() + 1_000));
}

/**
 * A non-2xx answer as the SDK's error. `creates`: the request creates something, so a server error may have
 * created it (the core looks it up before sending again). `what` names the action for people.
 */
export async function failureOf(
  response: PluginHttpResponse,
  now: Date,
  creates: boolean,
  what: string,
): Promise<Error> {
  const { code, message } = await platformErrorOf(response);
  const status = response.status;
  if (status === 429) {
    const resetAt = rateLimitResetOf(response.headers, now);
    return rateLimited(
      `LinkedIn's daily limit was reached while ${what} (${message}); it resets at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (status === 401) {
    return needsReconnect(
      `LinkedIn refused the access token while ${what} (${code ?? status}: ${message}): reconnect the channel with \`metronome channels connect\``,
    );
  }
  if (status === 403) {
    return needsReconnect(
      `LinkedIn refused the permission while ${what} (${code ?? status}: ${message}): the token lacks a scope or the member lost the Page role; reconnect the channel with \`metronome channels connect\` as a Page administrator, with the scopes in plugins/linkedin/README.md`,
    );
  }
  if (status === 426) {
    return refusedByPlatform(
      code ?? status,
      `${message}: this Metronome's LinkedIn API version is no longer served; upgrade Metronome (plugins/linkedin/linkedin-version.ts)`,
    );
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(code ?? status, `${message} (while ${what})`);
  }
  if (creates && status !== 503) {
    return outcomeUnknown(`LinkedIn failed (${status}) while ${what} and may have done it: ${message}`);
  }
  return transientFailure(`LinkedIn is unavailable (${status}) while ${what}: ${message}`);
}

/** No answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, creates: boolean, what: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`LinkedIn did not answer while ${what}; it may have done it: ${reason}`, {
        cause: error,
      })
    : transientFailure(`LinkedIn could not be reached while ${what}: ${reason}`, { cause: error });
}
