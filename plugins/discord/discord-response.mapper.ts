import {
  AuthenticationError,
  PermanentError,
  RateLimitedError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { retryAtFromHeaders } from '../../src/plugin-sdk';

export interface DiscordDelivery {
  notifier: string;
  host: string;
  now: Date;
}

/** Discord's JSON error body: `{ code, message }`, plus `retry_after` (seconds, a float) on 429. */
interface DiscordErrorBody {
  code?: number;
  message?: string;
  retry_after?: number;
  global?: boolean;
}

/**
 * 204 (or 200 with ?wait=true) is success. 429 says how long to wait, most precisely in the body's
 * `retry_after`; 401 is a wrong token, other 4xx a message or webhook Discord will never accept; 5xx retries.
 */
export async function checkDiscordResponse(
  response: PluginHttpResponse,
  delivery: DiscordDelivery,
): Promise<{ id?: string }> {
  const body = await readJson(response);
  if (response.status >= 200 && response.status < 300) {
    return { id: typeof body.id === 'string' ? body.id : undefined };
  }
  const reason = typeof body.message === 'string' ? `${body.message} (code ${String(body.code)})` : '';
  const where =
    `discord notifier "${delivery.notifier}": Discord (${delivery.host}) answered ${response.status}` +
    (reason ? ` ${reason}` : '');
  const option = `notifiers.${delivery.notifier}.options.webhookUrl`;
  if (response.status === 429) {
    const retryAt =
      typeof body.retry_after === 'number'
        ? new Date(delivery.now.getTime() + Math.ceil(body.retry_after * 1000))
        : retryAtFromHeaders(response.headers, delivery.now);
    throw new RateLimitedError(`${where}: rate limited${body.global ? ' (global limit)' : ''}`, retryAt);
  }
  if (response.status === 401) {
    throw new AuthenticationError(
      `${where}: the webhook token is wrong: copy the webhook URL again into ${option}`,
    );
  }
  if (response.status === 404) {
    throw new PermanentError(`${where}: the webhook was deleted: create a new one and update ${option}`);
  }
  if (response.status >= 400 && response.status < 500) {
    throw new PermanentError(
      `${where}: Discord refused the message; report this as a bug in the discord notifier`,
    );
  }
  throw new Error(`${where}: a temporary problem on Discord’s side`);
}

async function readJson(response: PluginHttpResponse): Promise<DiscordErrorBody & { id?: unknown }> {
  const text = await response.text();
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return { message: text.trim().slice(0, 200) };
  }
}
