import type { DiscordConnectorOptions } from '../../plugins/discord-connector/discord-options.schema';
import type { DiscordApiFake } from '../fakes/discord-api.fake';

/** Bot-mode options as the schema completes them, pointing at the fake (or a proxy in front of it). */
export function botOptions(
  fake: DiscordApiFake,
  root = fake.baseUrl,
  extra: Partial<DiscordConnectorOptions> = {},
): DiscordConnectorOptions {
  return {
    botToken: fake.botToken,
    channelId: fake.channelId,
    apiUrl: `${root}/api/v10`,
    allowMentions: [],
    maxFileMb: 10,
    timeoutMs: 2_000,
    ...extra,
  };
}

/** Webhook-mode options pointing at the fake (or a proxy in front of it). */
export function webhookOptions(
  fake: DiscordApiFake,
  root = fake.baseUrl,
  extra: Partial<DiscordConnectorOptions> = {},
): DiscordConnectorOptions {
  return {
    webhookUrl: `${root}/api/webhooks/${fake.webhook.id}/${fake.webhook.token}`,
    apiUrl: 'https://discord.com/api/v10',
    allowMentions: [],
    maxFileMb: 10,
    timeoutMs: 2_000,
    ...extra,
  };
}

/** Discord's 429 headers for a reset: exact epoch seconds with decimals, and the seconds left. */
export function discordRateLimitHeaders(resetAt: Date, now: Date): Record<string, string> {
  const after = Math.max(0, (resetAt.getTime() - now.getTime()) / 1000);
  return {
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': (resetAt.getTime() / 1000).toFixed(3),
    'x-ratelimit-reset-after': after.toFixed(3),
    'x-ratelimit-bucket': 'conformance-bucket',
    'x-ratelimit-scope': 'user',
    'retry-after': String(Math.ceil(after)),
  };
}

/** Discord's error bodies for the kit's faults. */
export function discordErrorBody(status: number, kind: string): unknown {
  if (status === 429) {
    return { message: 'You are being rate limited.', global: false };
  }
  if (status === 401) {
    return { message: '401: Unauthorized', code: 0 };
  }
  if (status === 403) {
    return { message: '403: Forbidden', code: 0 };
  }
  if (status >= 400 && status < 500) {
    return {
      code: 50035,
      message: 'Invalid Form Body',
      errors: { content: { _errors: [{ code: 'BASE_TYPE_BAD', message: `injected ${kind}` }] } },
    };
  }
  return { message: `injected ${kind} (${status})`, code: 0 };
}
