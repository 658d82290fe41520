import {
  AuthenticationError,
  PermanentError,
  RateLimitedError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { retryAtFromHeaders } from '../../src/plugin-sdk';

export interface TeamsDelivery {
  notifier: string;
  host: string;
  now: Date;
}

/**
 * Workflows answers 202 Accepted (any 2xx is success). Errors carry `{ error: { code, message } }`:
 * 401/403 a URL whose signature no longer holds, 404 a deleted or disabled workflow, 429 throttling.
 */
export async function checkTeamsResponse(
  response: PluginHttpResponse,
  delivery: TeamsDelivery,
): Promise<void> {
  if (response.status >= 200 && response.status < 300) {
    return;
  }
  const reason = await errorCode(response);
  const where =
    `teams notifier "${delivery.notifier}": the Teams workflow (${delivery.host}) answered ${response.status}` +
    (reason ? ` ${reason}` : '');
  const option = `notifiers.${delivery.notifier}.options.webhookUrl`;
  if (response.status === 429) {
    throw new RateLimitedError(`${where}: throttled`, retryAtFromHeaders(response.headers, delivery.now));
  }
  if (response.status === 401 || response.status === 403) {
    throw new AuthenticationError(
      `${where}: the workflow refused the URL: copy its HTTP POST URL again into ${option}`,
    );
  }
  if (response.status === 404) {
    throw new PermanentError(
      `${where}: the workflow was deleted or turned off: turn it on or create it again and update ${option}`,
    );
  }
  if (response.status >= 400 && response.status < 500) {
    throw new PermanentError(
      `${where}: the workflow refused the message; check that it uses the "Post to a channel when a webhook request is received" template`,
    );
  }
  throw new Error(`${where}: a temporary problem on Teams’ side`);
}

async function errorCode(response: PluginHttpResponse): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : '';
    const message = typeof body.error?.message === 'string' ? body.error.message.slice(0, 200) : '';
    return [code, message].filter(Boolean).join(': ');
  } catch {
    return text.trim().slice(0, 200);
  }
}
