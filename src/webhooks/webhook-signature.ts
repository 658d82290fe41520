import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks headers (https://www.standardwebhooks.com) for one delivery: webhook-id (the same on
 * every retry of a message), webhook-timestamp (unix seconds) and webhook-signature ("v1,<base64
 * HMAC-SHA256 of id.timestamp.body>"). One implementation for rule webhooks, report webhooks and the
 * webhook notifier, from the reference library, so any Standard Webhooks library verifies it.
 */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  body: string,
  now: Date,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, now, body),
  };
}
