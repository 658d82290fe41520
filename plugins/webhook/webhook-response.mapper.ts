import { PermanentError, RateLimitedError, type PluginHttpResponse } from '../../src/plugin-sdk';
import { retryAtFromHeaders } from '../../src/plugin-sdk';

export interface WebhookDelivery {
  notifier: string;
  host: string;
  now: Date;
}

/**
 * 2xx is success. 429 says when to retry; 408 (the receiver timed out reading) and 5xx are retried; 410
 * means the receiver is gone for good and any other 4xx that it refused this request: neither is retried.
 */
export async function checkWebhookResponse(
  response: PluginHttpResponse,
  delivery: WebhookDelivery,
): Promise<void> {
  if (response.status >= 200 && response.status < 300) {
    return;
  }
  const body = (await response.text()).trim().replace(/\s+/g, ' ').slice(0, 200);
  const where =
    `webhook notifier "${delivery.notifier}": the receiver (${delivery.host}) answered ${response.status}` +
    (body ? ` "${body}"` : '');
  const option = `notifiers.${delivery.notifier}.options`;
  if (response.status === 429) {
    throw new RateLimitedError(`${where}: rate limited`, retryAtFromHeaders(response.headers, delivery.now));
  }
  if (response.status === 408 || response.status >= 500) {
    throw new Error(`${where}: a temporary problem on the receiver’s side`);
  }
  if (response.status === 410) {
    throw new PermanentError(
      `${where}: the receiver says this endpoint is gone: update ${option}.url or remove the notifier`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new PermanentError(
      `${where}: the receiver refused the request: check that ${option}.secret (and headers) match what it expects`,
    );
  }
  throw new PermanentError(`${where}: the receiver refused the request; see its response above`);
}
