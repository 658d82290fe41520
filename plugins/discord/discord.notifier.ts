import type { NotificationMessage, Notifier, NotifyResult, PluginContext } from '../../src/plugin-sdk';
import type { DiscordOptions } from './discord-options.schema';
import { buildDiscordPayload } from './discord-message.builder';
import { checkDiscordResponse } from './discord-response.mapper';
import { hostOf, notifierIdOf, webhooksOf } from '../../src/plugin-sdk';

/** Posts to a Discord webhook. Logs name the webhook's host only: the URL path holds the token. */
export class DiscordNotifier implements Notifier {
  private readonly host: string;
  private readonly url: string;

  constructor(
    private readonly context: PluginContext,
    private readonly options: DiscordOptions,
  ) {
    this.host = hostOf(options.webhookUrl);
    // ?wait=true makes Discord answer with the created message, so the result carries its id.
    const url = new URL(options.webhookUrl);
    url.searchParams.set('wait', 'true');
    this.url = url.toString();
  }

  async send(message: NotificationMessage): Promise<NotifyResult> {
    const now = this.context.clock.now();
    // Through the webhook client: the URL must resolve to a public address (Discord's), like any webhook.
    const response = await webhooksOf(this.context).post(this.url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildDiscordPayload(message, { username: this.options.username, now })),
    });
    const result = await checkDiscordResponse(response, {
      notifier: notifierIdOf(this.context.scope),
      host: this.host,
      now,
    });
    this.context.logger.debug('delivered to Discord', { host: this.host });
    return result;
  }
}
