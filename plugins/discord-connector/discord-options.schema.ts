import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

/** Discord's REST API, version 10 (https://discord.com/developers/docs/reference#api-versioning). */
export const DISCORD_API_URL = 'https://discord.com/api/v10';

/** A Discord id (a snowflake): decimal digits. */
export const SNOWFLAKE = /^(0|[1-9][0-9]{0,19})$/;

/** `…/webhooks/<id>/<token>` with an optional `/api` or `/api/v<n>` before it, as Discord shows the URL. */
const WEBHOOK_PATH = /^(.*?)\/webhooks\/(\d+)\/([A-Za-z0-9._-]+)\/?$/;

export interface WebhookParts {
  /** The URL up to and including `/webhooks/<id>/<token>`, without a trailing slash or query. */
  base: string;
  id: string;
  token: string;
}

/** The parts of a webhook URL, or undefined when it is not one. */
export function webhookPartsOf(value: string): WebhookParts | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (!match || url.search) {
    return undefined;
  }
  return { base: `${url.origin}${match[1]}/webhooks/${match[2]}/${match[3]}`, id: match[2], token: match[3] };
}

/** What `allowed_mentions.parse` may hold (https://discord.com/developers/docs/resources/message#allowed-mentions-object). */
export const MENTION_KINDS = ['users', 'roles', 'everyone'] as const;

const NAMES =
  'botToken, channelId, webhookUrl, apiUrl, allowMentions, maxFileMb, username, avatarUrl, guildId and timeoutMs';

/**
 * Options of the Discord connector: bot mode (`botToken` + `channelId`) or webhook mode (`webhookUrl`), never both.
 * Error messages never echo a secret (the token, the webhook URL's last segment).
 */
export const discordConnectorOptionsSchema = z
  .strictObject(
    {
      botToken: z
        .string({ error: 'must be the bot token, written as "${env:DISCORD_BOT_TOKEN}"' })
        .regex(/^[\x21-\x7e]+$/, {
          error:
            'must be the bot token as the Developer Portal shows it (Bot → Reset Token): printable characters without spaces',
        })
        .optional()
        .describe(
          'Bot mode: the bot token (Developer Portal → your app → Bot); write it as "${env:DISCORD_BOT_TOKEN}".',
        ),
      channelId: z
        .string({ error: 'must be the channel id as text (quote it), e.g. "1234567890123456789"' })
        .regex(SNOWFLAKE, {
          error:
            'must be a channel id: digits only, quoted (Discord → User Settings → Advanced → Developer Mode, then right-click the channel → Copy Channel ID)',
        })
        .optional()
        .describe('Bot mode: the text channel the bot posts to.'),
      webhookUrl: z
        .string({ error: 'must be the webhook URL, written as "${env:DISCORD_WEBHOOK_URL}"' })
        .refine(isHttpsOrLoopback, {
          error: 'must be an https:// URL such as "https://discord.com/api/webhooks/<id>/<token>"',
        })
        .refine((value) => webhookPartsOf(value) !== undefined, {
          error:
            'must be a Discord webhook URL ending in /webhooks/<id>/<token>, without a query (Server Settings → Integrations → Webhooks → Copy Webhook URL)',
        })
        .optional()
        .describe(
          'Webhook mode: the channel webhook URL; a secret, so write it as "${env:DISCORD_WEBHOOK_URL}".',
        ),
      apiUrl: z
        .string()
        .refine(isHttpsOrLoopback, {
          error: `must be an https:// address (plain http only to this machine), e.g. "${DISCORD_API_URL}"`,
        })
        .default(DISCORD_API_URL)
        .describe('Bot mode: the REST API root including the version; tests point it at a fake.'),
      allowMentions: z
        .array(z.enum(MENTION_KINDS, { error: 'must be "users", "roles" or "everyone"' }))
        .default([])
        .describe(
          'Which mentions in a post notify people (allowed_mentions.parse). Default none: a post never pings @everyone, a role or a user by accident.',
        ),
      maxFileMb: z
        .number({ error: 'must be a number of MiB, e.g. 10' })
        .int()
        .min(1)
        .max(500)
        .default(10)
        .describe(
          "Largest upload per message in MiB: 10 for a server without boosts (Discord's default), 50 at boost level 2, 100 at level 3.",
        ),
      username: z
        .string()
        .min(1)
        .max(80, { error: 'must be at most 80 characters (Discord’s limit)' })
        .refine((name) => !/discord|clyde/i.test(name), {
          error: 'must not contain "discord" or "clyde": Discord refuses such webhook names',
        })
        .optional()
        .describe('Webhook mode: the author name shown on messages (default: the webhook’s own).'),
      avatarUrl: z
        .url({ error: 'must be an https:// image address' })
        .optional()
        .describe('Webhook mode: the avatar shown on messages (default: the webhook’s own).'),
      guildId: z
        .string()
        .regex(SNOWFLAKE, { error: 'must be a server (guild) id: digits only, quoted' })
        .optional()
        .describe('The server the channel is in; read from the channel (or webhook) when left out.'),
      timeoutMs: z
        .number()
        .int()
        .min(100)
        .max(120_000)
        .default(15_000)
        .describe('Milliseconds per API call.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the discord connector takes ${NAMES}`
          : undefined,
    },
  )
  .superRefine((options, context) => {
    const bot = options.botToken !== undefined || options.channelId !== undefined;
    const webhook = options.webhookUrl !== undefined;
    if (bot && webhook) {
      context.addIssue({
        code: 'custom',
        message:
          'choose one mode: bot (botToken and channelId) or webhook (webhookUrl), not both; the bot mode also has the inbox, replies and exactly-once publishing',
        path: ['webhookUrl'],
      });
      return;
    }
    if (!bot && !webhook) {
      context.addIssue({
        code: 'custom',
        message:
          'choose a mode: bot (botToken: "${env:DISCORD_BOT_TOKEN}" and channelId) or webhook (webhookUrl: "${env:DISCORD_WEBHOOK_URL}")',
        path: [],
      });
      return;
    }
    if (bot && options.botToken === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'bot mode needs botToken as well: write botToken: "${env:DISCORD_BOT_TOKEN}"',
        path: ['botToken'],
      });
    }
    if (bot && options.channelId === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'bot mode needs channelId as well: the channel the bot posts to, quoted digits',
        path: ['channelId'],
      });
    }
    if (bot && (options.username !== undefined || options.avatarUrl !== undefined)) {
      context.addIssue({
        code: 'custom',
        message:
          'username and avatarUrl apply to webhook mode only: a bot posts under its own name and avatar',
        path: [options.username !== undefined ? 'username' : 'avatarUrl'],
      });
    }
  });

export type DiscordConnectorOptions = z.output<typeof discordConnectorOptionsSchema>;

/** The mode the options chose, with what each needs (the schema guarantees one of the two). */
export type DiscordMode =
  | { kind: 'bot'; token: string; channelId: string; apiUrl: string }
  | { kind: 'webhook'; webhook: WebhookParts };

export function modeOf(options: DiscordConnectorOptions): DiscordMode {
  if (options.webhookUrl) {
    const webhook = webhookPartsOf(options.webhookUrl);
    if (!webhook) {
      throw new Error(
        'plugin discord: webhookUrl is not a webhook URL (the options schema should have refused it)',
      );
    }
    return { kind: 'webhook', webhook };
  }
  return {
    kind: 'bot',
    token: options.botToken as string,
    channelId: options.channelId as string,
    apiUrl: options.apiUrl.replace(/\/$/, ''),
  };
}
