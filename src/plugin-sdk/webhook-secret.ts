import { createHash } from 'node:crypto';
import { z } from 'zod';

const PREFIX = 'whsec_';

/**
 * A Standard Webhooks signing secret (https://www.standardwebhooks.com): "whsec_" and 24 to 64 random bytes
 * in base64, the form every Standard Webhooks library takes on the receiving side.
 */
export const webhookSecretSchema = z
  .string({
    error:
      'required: a Standard Webhooks secret, e.g. "${env:WEBHOOK_SECRET}" holding the output of `echo "whsec_$(openssl rand -base64 32)"`',
  })
  .refine(isWebhookSecret, {
    error:
      'must be a Standard Webhooks secret: "whsec_" followed by 24 to 64 random bytes in base64; ' +
      'generate one with `echo "whsec_$(openssl rand -base64 32)"` and keep it in an env variable',
  })
  .meta({
    description:
      'Standard Webhooks secret ("whsec_" + base64 of 24-64 random bytes); the receiver verifies webhook-signature with it.',
  });

export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(PREFIX)) {
    return false;
  }
  const encoded = value.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    return false;
  }
  const bytes = Buffer.from(encoded, 'base64').byteLength;
  return bytes >= 24 && bytes <= 64;
}

/** A webhook-id from any stable key of a message: "msg_" and 32 hex digits, the same for the same key. */
export function webhookMessageId(key: string): string {
  return `msg_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}
