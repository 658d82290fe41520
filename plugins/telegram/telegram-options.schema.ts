import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

export const TELEGRAM_API_URL = 'https://api.telegram.org';

/** `@channelusername` (5–32 letters, digits, underscores) or a numeric chat id (channels: -100…). */
export const CHAT = /^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20})$/;

/** A bot token as @BotFather gives it: `<bot id>:<secret>`. Never echoed in a message. */
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,}$/;

/** Options of the Telegram connector. Error messages never echo a secret. */
export const telegramOptionsSchema = z.strictObject(
  {
    botToken: z
      .string()
      .regex(BOT_TOKEN, {
        error:
          'must be the bot token @BotFather gave ("<digits>:<secret>"); write it as "${env:TELEGRAM_BOT_TOKEN}"',
      })
      .describe('The bot token from @BotFather; write it as "${env:TELEGRAM_BOT_TOKEN}".'),
    chat: z
      .string()
      .regex(CHAT, {
        error: 'must be "@channelusername" or the numeric chat id (e.g. "-1001234567890")',
      })
      .describe('Where posts go: "@channelusername" (public) or the numeric id (private channels: -100…).'),
    apiUrl: z
      .string()
      .refine(isHttpsOrLoopback, {
        error: `must be an https:// address (plain http only to this machine), e.g. "${TELEGRAM_API_URL}"`,
      })
      .default(TELEGRAM_API_URL)
      .describe(
        'The Bot API server: Telegram\'s, or a local "telegram-bot-api" server; tests point it at a fake.',
      ),
    unknownOutcome: z
      .enum(['ask', 'resend'], { error: 'must be "ask" or "resend"' })
      .default('ask')
      .describe(
        'When an answer was lost and the post cannot be found: "ask" fails the post for a person to check the channel (never a duplicate), "resend" sends it again (never lost, may duplicate).',
      ),
    pace: z
      .boolean()
      .default(true)
      .describe(
        'Pace sends per chat (one a second, 20 a minute, per the Bot FAQ) so a burst of posts never meets a 429; false only where something else paces.',
      ),
    lookupGraceMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(5_000)
      .describe(
        'How long after a send its copy may take to reach the discussion group: a lookup sooner than this waits for it.',
      ),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(15_000)
      .describe('Milliseconds per API call (uploads get at least 60 s).'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the telegram connector takes botToken, chat, apiUrl, unknownOutcome, pace, lookupGraceMs and timeoutMs`
        : undefined,
  },
);

export type TelegramOptions = z.output<typeof telegramOptionsSchema>;
