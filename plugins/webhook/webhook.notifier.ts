import type { NotificationMessage, Notifier, NotifyResult, PluginContext } from '../../src/plugin-sdk';
import { randomUUID } from 'node:crypto';
import { hostOf, notifierIdOf, webhookMessageId, webhooksOf } from '../../src/plugin-sdk';
import { buildWebhookEnvelope } from './webhook-envelope';
import type { WebhookOptions } from './webhook-options.schema';
import { checkWebhookResponse } from './webhook-response.mapper';

/**
 * POSTs a JSON envelope signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)
 * through the host's webhook client, which refuses internal addresses unless the operator allowed them.
 * Logs name the receiver's host only; the secret never leaves the HMAC.
 */
export class WebhookNotifier implements Notifier {
  private readonly host: string;

  constructor(
    private readonly context: PluginContext,
    private readonly options: WebhookOptions,
  ) {
    this.host = hostOf(options.url);
  }

  async send(message: NotificationMessage): Promise<NotifyResult> {
    const now = this.context.clock.now();
    const id = eventIdOf(message);
    const body = JSON.stringify(buildWebhookEnvelope(message, id, now));
    const response = await webhooksOf(this.context).post(this.options.url, {
      headers: { ...this.options.headers, 'content-type': 'application/json' },
      body,
      signing: { id, secret: this.options.secret },
    });
    await checkWebhookResponse(response, {
      notifier: notifierIdOf(this.context.scope),
      host: this.host,
      now,
    });
    this.context.logger.debug('delivered to the webhook receiver', { host: this.host, eventId: id });
    return { id };
  }
}

/**
 * The webhook-id: "msg_" and a hash of the `id` Metronome's dispatcher gives each notification, which
 * stays the same across retries (the SDK's message type does not declare it yet). Without one, each call
 * is a new event.
 */
function eventIdOf(message: NotificationMessage): string {
  return webhookMessageId(
    'id' in message && typeof message.id === 'string' && message.id ? message.id : randomUUID(),
  );
}
