import {
  neverSent,
  needsReconnect,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  retryAtFromHeaders,
  transientFailure,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';

/** The endpoint's error body, `{"code": "…", "message": "…"}`, or the start of whatever it sent. */
async function platformError(response: PluginHttpResponse): Promise<{ code?: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.message === 'string') {
      return { code: typeof body.code === 'string' ? body.code : undefined, message: body.message };
    }
  } catch {
    // Not JSON: an error page from a proxy in front of the endpoint.
  }
  return { message: text.trim().slice(0, 200) || `HTTP ${response.status}` };
}

/**
 * A non-2xx answer as the SDK's error, so the core knows what to do next. `created`: the request creates something,
 * so a server error may have created it (the core looks it up before it sends again).
 */
export async function failureOf(response: PluginHttpResponse, now: Date, created: boolean): Promise<Error> {
  const { code, message } = await platformError(response);
  if (response.status === 429) {
    return rateLimited(`rate limited: ${message}`, retryAtFromHeaders(response.headers, now));
  }
  if (response.status === 401 || response.status === 403) {
    return needsReconnect(`the endpoint refused the token (${response.status}): ${message}`);
  }
  if (response.status >= 400 && response.status < 500) {
    return refusedByPlatform(code ?? response.status, message);
  }
  if (created && response.status !== 503) {
    return outcomeUnknown(
      `the endpoint failed (${response.status}) and may have stored the post: ${message}`,
    );
  }
  return transientFailure(`the endpoint is unavailable (${response.status}): ${message}`);
}

/** The request got no answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, created: boolean): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return created && !neverSent(error)
    ? outcomeUnknown(`no answer from the endpoint, the post may be stored: ${reason}`, { cause: error })
    : transientFailure(`the endpoint could not be reached: ${reason}`, { cause: error });
}
