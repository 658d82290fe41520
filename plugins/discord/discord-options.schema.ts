import { z } from '../../src/plugin-sdk';
import { isHttpsOrLoopback } from '../../src/plugin-sdk';

/** Options of the discord notifier. Messages never echo the URL: its last segment is the webhook token. */
export const discordOptionsSchema = z.strictObject(
  {
    webhookUrl: z
      .string({
        error:
          'required: the Discord webhook URL (Server Settings → Integrations → Webhooks → Copy Webhook URL), ' +
          'written as "${env:DISCORD_WEBHOOK_URL}" so the secret stays out of the file',
      })
      .refine(isHttpsOrLoopback, {
        error: 'must be an https:// URL such as "https://discord.com/api/webhooks/<id>/<token>"',
      })
      .describe('Webhook URL; a secret, so write it as "${env:DISCORD_WEBHOOK_URL}".'),
    username: z
      .string({ error: 'must be text: the name shown as the message author, e.g. "Metronome"' })
      .min(1, { error: 'must not be empty: leave it out to use the webhook’s own name' })
      .max(80, { error: 'must be at most 80 characters (Discord’s limit)' })
      // Discord refuses webhook names containing these words with 400, so catch it when the config loads.
      .refine((name) => !/discord|clyde/i.test(name), {
        error: 'must not contain "discord" or "clyde": Discord refuses such webhook names',
      })
      .optional()
      .describe('Author name shown on messages; defaults to the name set on the webhook.'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the discord notifier takes webhookUrl and username`
        : undefined,
  },
);

export type DiscordOptions = z.output<typeof discordOptionsSchema>;
