import { z } from '../../src/plugin-sdk';
import { isHttpsOrLoopback } from '../../src/plugin-sdk';

/** Options of the slack notifier. Messages never echo the URL: it is a secret. */
export const slackOptionsSchema = z.strictObject(
  {
    webhookUrl: z
      .string({
        error:
          'required: the Slack incoming webhook URL (Slack app settings → Incoming Webhooks → Add New Webhook), ' +
          'written as "${env:SLACK_WEBHOOK_URL}" so the secret stays out of the file',
      })
      .refine(isHttpsOrLoopback, {
        error: 'must be an https:// URL such as "https://hooks.slack.com/services/T000/B000/XXXX"',
      })
      .describe('Incoming webhook URL; a secret, so write it as "${env:SLACK_WEBHOOK_URL}".'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the slack notifier takes only webhookUrl`
        : undefined,
  },
);

export type SlackOptions = z.output<typeof slackOptionsSchema>;
