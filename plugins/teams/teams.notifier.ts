import type { NotificationMessage, Notifier, NotifyResult, PluginContext } from '../../src/plugin-sdk';
import { hostOf, notifierIdOf, webhooksOf } from '../../src/plugin-sdk';
import { buildTeamsMessage } from './teams-card.builder';
import type { TeamsOptions } from './teams-options.schema';
import { checkTeamsResponse } from './teams-response.mapper';

/** Posts an Adaptive Card to a Teams Workflows webhook. Logs name the host only: the URL holds a signature. */
export class TeamsNotifier implements Notifier {
  private readonly host: string;

  constructor(
    private readonly context: PluginContext,
    private readonly options: TeamsOptions,
  ) {
    this.host = hostOf(options.webhookUrl);
  }

  async send(message: NotificationMessage): Promise<NotifyResult> {
    // Through the webhook client: the URL must resolve to a public address (Microsoft's), like any webhook.
    const response = await webhooksOf(this.context).post(this.options.webhookUrl, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(buildTeamsMessage(message)),
    });
    await checkTeamsResponse(response, {
      notifier: notifierIdOf(this.context.scope),
      host: this.host,
      now: this.context.clock.now(),
    });
    this.context.logger.debug('delivered to the Teams workflow', { host: this.host });
    return {};
  }
}
