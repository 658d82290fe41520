import {
  AuthenticationError,
  PermanentError,
  RateLimitedError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf, resetAtOf } from './discord-errors';
import { messageOf, nonceOf } from './discord-message';
import { discordConnectorOptionsSchema } from './discord-options.schema';

const response = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): PluginHttpResponse => ({
  status,
  headers,
  text: async () => JSON.stringify(body),
  json: async <T>() => body as T,
  bytes: async () => new Uint8Array(),
});
const site = {
  what: 'publishing',
  creates: true,
  channel: 'channel 1',
  mode: 'bot' as const,
  scope: 'acme/d',
};
const now = new Date('2026-12-01T09:00:00.000Z');

describe('discord errors', () => {
  it('waits until the latest reset, never before', async () => {
    const error = await failureOf(
      response(
        429,
        { retry_after: 1.5, global: false },
        { 'x-ratelimit-reset-after': '1.2', 'retry-after': '2' },
      ),
      now,
      site,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt?.toISOString()).toBe('2026-12-01T09:00:02.000Z');
    expect(resetAtOf({ 'x-ratelimit-reset': String(now.getTime() / 1000 + 0.2505) }, now)?.getTime()).toBe(
      now.getTime() + 251,
    );
  });

  it('maps 401, permissions and other refusals', async () => {
    expect(
      await failureOf(response(401, { code: 0, message: '401: Unauthorized' }), now, site),
    ).toBeInstanceOf(AuthenticationError);
    const missing = await failureOf(
      response(403, { code: 50013, message: 'Missing Permissions' }),
      now,
      site,
    );
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing.message).toMatch(/Send Messages and Attach Files|Send Messages, Attach Files/);
    const invalid = await failureOf(
      response(400, {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { content: { _errors: [{ message: 'Too long' }] } },
      }),
      now,
      site,
    );
    expect(invalid.message).toContain('content: Too long');
  });
});

describe('discord message and options', () => {
  it('builds content, title embed, attachments and a stable nonce', () => {
    const payload = messageOf({
      text: 'Hi',
      title: 'News',
      extra: {},
      files: [{ filename: 'a.png', altText: 'A cup' }],
      allowMentions: [],
      nonce: nonceOf('k'),
    });
    expect(payload).toMatchObject({
      content: 'Hi',
      embeds: [{ title: 'News' }],
      attachments: [{ id: 0, filename: 'a.png', description: 'A cup' }],
      allowed_mentions: { parse: [] },
      enforce_nonce: true,
    });
    expect(nonceOf('k')).toHaveLength(25);
    expect(() =>
      messageOf({
        text: '',
        extra: { embed: { description: 'x'.repeat(4000), footer: 'y'.repeat(2048) } },
        files: [],
        allowMentions: [],
      }),
    ).toThrow(/6000/);
  });

  it('refuses neither mode and both modes in words', () => {
    expect(discordConnectorOptionsSchema.safeParse({}).error?.issues[0].message).toMatch(/choose a mode/);
    expect(
      discordConnectorOptionsSchema.safeParse({
        botToken: 't',
        channelId: '1',
        webhookUrl: 'https://discord.com/api/webhooks/1/abc',
      }).error?.issues[0].message,
    ).toMatch(/not both/);
  });
});
