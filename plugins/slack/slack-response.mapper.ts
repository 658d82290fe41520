import { PermanentError, RateLimitedError, type PluginHttpResponse } from '../../src/plugin-sdk';
import { retryAtFromHeaders } from '../../src/plugin-sdk';

/** What a person should do about each error Slack documents for incoming webhooks. */
const FIXES: Record<string, string> = {
  invalid_payload: 'Slack could not read the message: report this as a bug in the slack notifier',
  no_text: 'the message had no text: check the notification template',
  invalid_blocks: 'a block broke Slack’s limits: report this as a bug in the slack notifier',
  too_many_attachments: 'the message had too many attachments: report this as a bug in the slack notifier',
  action_prohibited:
    'a workspace admin restricted this webhook: ask them to allow it, or create a new webhook',
  invalid_token: 'the webhook URL is no longer valid: create a new incoming webhook and update OPTION',
  posting_to_general_channel_denied:
    'only admins may post to this channel: pick another channel for the webhook',
  no_service:
    'the webhook was removed or its app uninstalled: create a new incoming webhook and update OPTION',
  no_active_hooks: 'the webhook is disabled: enable it in the Slack app settings or create a new one',
  channel_not_found: 'the webhook’s channel was deleted: create a webhook for an existing channel',
  channel_is_archived:
    'the webhook’s channel is archived: unarchive it or create a webhook for another channel',
};

export interface SlackDelivery {
  notifier: string;
  host: string;
  now: Date;
}

/**
 * Slack answers 200 "ok" on success and an error code as plain text otherwise. 429 carries Retry-After,
 * 400/403/404/410 mean the same message can never succeed, and anything else (5xx) is worth a retry.
 */
export async function checkSlackResponse(
  response: PluginHttpResponse,
  delivery: SlackDelivery,
): Promise<void> {
  if (response.status >= 200 && response.status < 300) {
    return;
  }
  const reason = (await response.text()).trim().slice(0, 200) || `HTTP ${response.status}`;
  const where = `slack notifier "${delivery.notifier}": Slack (${delivery.host}) answered ${response.status} ${reason}`;
  if (response.status === 429) {
    const retryAt = retryAtFromHeaders(response.headers, delivery.now);
    throw new RateLimitedError(`${where}: rate limited, try again later`, retryAt);
  }
  if ([400, 403, 404, 410].includes(response.status)) {
    const fix =
      FIXES[reason] ??
      'Slack refused the message; see https://api.slack.com/messaging/webhooks#handling_errors';
    const option = `notifiers.${delivery.notifier}.options.webhookUrl`;
    throw new PermanentError(`${where}: ${fix.replace('OPTION', option)}`);
  }
  throw new Error(`${where}: a temporary problem on Slack’s side`);
}
