import { randomUUID } from 'node:crypto';
import type { NotificationMessage, Notifier, NotifyResult, PluginContext } from '../../src/plugin-sdk';
import { buildWebhookEnvelope, signWebhookBody } from './webhook-envelope';
import { hostOf, notifierIdOf } from '../../src/plugin-sdk';
import type { WebhookOptions } from './webhook-options.schema';
import { checkWebhookResponse } from './webhook-response.mapper';

/** POSTs a signed JSON envelope. Logs name the receiver's host only; the secret never leaves the HMAC. */
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
    const response = await this.context.http.request(this.options.url, {
      method: 'POST',
      headers: {
        ...this.options.headers,
        'content-type': 'application/json',
        'x-metronome-event-id': id,
        'x-metronome-signature': signWebhookBody(body, this.options.secret, now),
      },
      body,
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
 * Metronome's dispatcher gives each notification an `id` that stays the same across retries (the SDK's
 * message type does not declare it yet). Without one, each call is a new event.
 */
function eventIdOf(message: NotificationMessage): string {
  return 'id' in message && typeof message.id === 'string' && message.id ? message.id : randomUUID();
}
