import {
  needsReconnect,
  neverSent,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  transientFailure,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';

/**
 * Discord's error body (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json):
 * `{ code, message, errors? }`, and on 429 `{ message, retry_after, global, code? }`
 * (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit).
 */
export interface DiscordErrorBody {
  code?: number;
  message?: string;
  errors?: unknown;
  retry_after?: number;
  global?: boolean;
}

/** JSON error codes the connector names (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes). */
export const DISCORD_CODES = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownWebhook: 10015,
  missingAccess: 50001,
  missingPermissions: 50013,
  invalidFormBody: 50035,
  requestTooLarge: 40005,
} as const;

/** Where the failure happened, for messages people act on. */
export interface FailureSite {
  /** The action ("publishing a message"). */
  what: string;
  /** The request creates a message: a failure after sending may have created it. */
  creates: boolean;
  /** How the channel is reached, for the fix in a permission refusal: "#1234" or "the webhook's channel". */
  channel: string;
  mode: 'bot' | 'webhook';
  /** The channel's scope ("acme/discord"), for commands in messages. */
  scope: string;
}

/** The body as Discord's error, or the start of whatever came (a proxy's HTML page). */
export async function errorBodyOf(response: PluginHttpResponse): Promise<DiscordErrorBody> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed;
    }
  } catch {
    // Not JSON.
  }
  return { message: text.trim().slice(0, 200) || `HTTP ${response.status}` };
}

/**
 * The first field problem of a 50035 "Invalid Form Body" (`errors: { content: { _errors: [{ code, message }] } }`),
 * as "content: Must be 2000 or fewer in length.".
 */
export function firstFieldError(errors: unknown, path: string[] = []): string | undefined {
  if (!errors || typeof errors !== 'object') {
    return undefined;
  }
  const record = errors as Record<string, unknown>;
  const own = record._errors;
  if (Array.isArray(own) && own.length > 0) {
    const first = own[0] as { message?: unknown; code?: unknown };
    const words =
      typeof first.message === 'string'
        ? first.message
        : typeof first.code === 'string'
          ? first.code
          : 'invalid';
    return path.length > 0 ? `${path.join('.')}: ${words}` : words;
  }
  for (const [key, value] of Object.entries(record)) {
    const found = firstFieldError(value, [...path, key]);
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** A number from a header, or undefined. */
function headerNumber(headers: Record<string, string>, name: string): number | undefined {
  const value = headers[name]?.trim();
  if (!value || !/^\d+(\.\d+)?$/.test(value)) {
    return undefined;
  }
  return Number(value);
}

/**
 * When a limit ends, from everything Discord says: `X-RateLimit-Reset` (epoch seconds with decimals),
 * `X-RateLimit-Reset-After` and the body's `retry_after` (seconds with decimals, from now), `Retry-After` (whole
 * seconds). The LATEST of them, rounded up to the millisecond: a retry is never sent before the reset. Undefined
 * when none is there.
 */
export function resetAtOf(
  headers: Record<string, string>,
  now: Date,
  retryAfterSeconds?: number,
): Date | undefined {
  const candidates: number[] = [];
  const reset = headerNumber(headers, 'x-ratelimit-reset');
  if (reset !== undefined) {
    candidates.push(Math.ceil(reset * 1000));
  }
  for (const seconds of [
    headerNumber(headers, 'x-ratelimit-reset-after'),
    headerNumber(headers, 'retry-after'),
    typeof retryAfterSeconds === 'number' && retryAfterSeconds >= 0 ? retryAfterSeconds : undefined,
  ]) {
    if (seconds !== undefined) {
      candidates.push(now.getTime() + Math.ceil(seconds * 1000));
    }
  }
  return candidates.length > 0 ? new Date(Math.max(...candidates)) : undefined;
}

/** A non-2xx answer as the SDK's error, with the fix where there is one. */
export async function failureOf(response: PluginHttpResponse, now: Date, site: FailureSite): Promise<Error> {
  const body = await errorBodyOf(response);
  const status = response.status;
  const code = typeof body.code === 'number' ? body.code : undefined;
  const detail = firstFieldError(body.errors);
  const words = [body.message ?? `HTTP ${status}`, detail].filter(Boolean).join(': ');
  const said = `Discord answered ${status}${code !== undefined ? ` (code ${code})` : ''} while ${site.what}: ${words}`;
  if (status === 429) {
    // Never earlier than a second from now: a reset in the past means the clocks differ, not "go now".
    const resetAt = resetAtOf(response.headers, now, body.retry_after) ?? new Date(now.getTime() + 1_000);
    const scope =
      body.global === true || response.headers['x-ratelimit-global'] === 'true'
        ? 'the global limit of this bot'
        : `the limit of ${response.headers['x-ratelimit-scope'] === 'shared' ? 'this channel (shared)' : 'this route'}`;
    return rateLimited(
      `${said}; ${scope} resets at ${resetAt.toISOString()}`,
      new Date(Math.max(resetAt.getTime(), now.getTime() + 1)),
    );
  }
  if (status === 401) {
    return needsReconnect(
      site.mode === 'bot'
        ? `${said}: the bot token is wrong or was reset; copy a new one (Developer Portal → your app → Bot → Reset Token) into the variable botToken names, then \`metronome channels reconnect ${site.scope}\``
        : `${said}: the webhook token is wrong; copy the webhook URL again (Server Settings → Integrations → Webhooks) into the variable webhookUrl names, then \`metronome channels reconnect ${site.scope}\``,
    );
  }
  if (code === DISCORD_CODES.missingAccess || code === DISCORD_CODES.missingPermissions) {
    return refusedByPlatform(
      code,
      `${words} (while ${site.what}): give the bot View Channel, Send Messages, Attach Files, Embed Links and Read Message History in ${site.channel} (Server Settings → Roles, or the channel's Permissions), then publish again`,
    );
  }
  if (status === 403) {
    return needsReconnect(
      `${said}: Discord refused these credentials here; check the bot is in the server and its token is current, then \`metronome channels reconnect ${site.scope}\``,
    );
  }
  if (code === DISCORD_CODES.unknownChannel) {
    return refusedByPlatform(
      code,
      `${words} (while ${site.what}): channelId does not name a channel the bot can see; copy the channel id again (Developer Mode → Copy Channel ID)`,
    );
  }
  if (code === DISCORD_CODES.unknownWebhook) {
    return refusedByPlatform(
      code,
      `${words} (while ${site.what}): the webhook was deleted; create a new one and put its URL in the variable webhookUrl names`,
    );
  }
  if (status === 413 || code === DISCORD_CODES.requestTooLarge) {
    return refusedByPlatform(
      code ?? status,
      `${words} (while ${site.what}): the files are larger than this server accepts; send smaller files, or raise maxFileMb only if the server's boost level allows it`,
    );
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(code ?? status, `${words} (while ${site.what})`);
  }
  if (site.creates && status !== 503) {
    return outcomeUnknown(`${said}; the message may have been created`);
  }
  return transientFailure(said);
}

/** No answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, site: Pick<FailureSite, 'what' | 'creates'>): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return site.creates && !neverSent(error)
    ? outcomeUnknown(`Discord did not answer while ${site.what}; it may have done it: ${reason}`, {
        cause: error,
      })
    : transientFailure(`Discord could not be reached while ${site.what}: ${reason}`, { cause: error });
}
