import { defineNotifier } from '../../src/plugin-sdk';
import { SlackNotifier } from './slack.notifier';
import { slackOptionsSchema, type SlackOptions } from './slack-options.schema';

/** Slack through an incoming webhook: a header, the text, recipients as mentions and links as buttons. */
export default defineNotifier<SlackOptions>({
  kind: 'notifier',
  name: 'slack',
  version: '1.0.0',
  sdk: '^2.0.0',
  // People are mentioned by handles.<notifier id> (a Slack member id).
  addressing: 'handle',
  description: 'Slack incoming webhook (Block Kit message; people mentioned by their Slack user id).',
  options: slackOptionsSchema,
  create: (context, options) => new SlackNotifier(context, options),
});
