import { defineNotifier } from '../../src/plugin-sdk';
import { WebhookNotifier } from './webhook.notifier';
import { webhookOptionsSchema, type WebhookOptions } from './webhook-options.schema';

/** Any HTTP receiver: a documented JSON envelope, signed (X-Metronome-Signature) and idempotent (event id). */
export default defineNotifier<WebhookOptions>({
  kind: 'notifier',
  name: 'webhook',
  version: '1.0.0',
  sdk: '^2.0.0',
  // A person's handles.<notifier id> goes to the receiver in `to`.
  addressing: 'handle',
  description: 'Generic JSON webhook, HMAC-SHA256 signed with a timestamp (Stripe-style) and an event id.',
  options: webhookOptionsSchema,
  create: (context, options) => new WebhookNotifier(context, options),
});
