import type { NotificationMessage, Notifier, NotifyResult, PluginContext } from '../../src/plugin-sdk';
import { hostOf, notifierIdOf, webhooksOf } from '../../src/plugin-sdk';
import type { SlackOptions } from './slack-options.schema';
import { buildSlackPayload } from './slack-message.builder';
import { checkSlackResponse } from './slack-response.mapper';

/** Posts to a Slack incoming webhook. Logs name the webhook's host only: the URL path is the secret. */
export class SlackNotifier implements Notifier {
  private readonly host: string;

  constructor(
    private readonly context: PluginContext,
    private readonly options: SlackOptions,
  ) {
    this.host = hostOf(options.webhookUrl);
  }

  async send(message: NotificationMessage): Promise<NotifyResult> {
    // Through the webhook client: the URL must resolve to a public address (Slack's), like any webhook.
    const response = await webhooksOf(this.context).post(this.options.webhookUrl, {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(buildSlackPayload(message)),
    });
    await checkSlackResponse(response, {
      notifier: notifierIdOf(this.context.scope),
      host: this.host,
      now: this.context.clock.now(),
    });
    this.context.logger.debug('delivered to Slack', { host: this.host });
    return {};
  }
}
