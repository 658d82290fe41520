import { z } from '../../src/plugin-sdk';
import { isHttpsOrLoopback } from '../../src/plugin-sdk';

/** Options of the teams notifier. Messages never echo the URL: its `sig` parameter is the secret. */
export const teamsOptionsSchema = z.strictObject(
  {
    webhookUrl: z
      .string({
        error:
          'required: the URL of a Teams Workflows webhook (channel → Workflows → "Post to a channel when a ' +
          'webhook request is received" → copy the URL), written as "${env:TEAMS_WEBHOOK_URL}"',
      })
      .refine(isHttpsOrLoopback, {
        error: 'must be an https:// URL: the HTTP POST URL the Teams workflow shows after it is created',
      })
      .describe(
        'Workflows (Power Automate) webhook URL; a secret, so write it as "${env:TEAMS_WEBHOOK_URL}".',
      ),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the teams notifier takes only webhookUrl`
        : undefined,
  },
);

export type TeamsOptions = z.output<typeof teamsOptionsSchema>;
