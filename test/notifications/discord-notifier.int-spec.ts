import { DiscordWebhookFake } from '../fakes/discord-webhook.fake';
import {
  configWithNotifiers,
  createNotificationHarness,
  type NotificationHarness,
} from './notification-test.harness';

/** The discord plugin through the dispatcher, against a receiver that answers as Discord documents. */
describe('discord notifier', () => {
  let discord: DiscordWebhookFake;
  let harness: NotificationHarness;

  beforeEach(async () => {
    discord = await new DiscordWebhookFake().start();
    harness = await createNotificationHarness(
      configWithNotifiers(
        `  discord: { plugin: discord, options: { webhookUrl: "${discord.webhookUrl}", username: Metronome } }`,
        '{ discord: "80351110224678912" }',
      ),
    );
  });

  afterEach(async () => {
    await discord.stop();
    await harness?.dispose();
  });

  const notification = {
    to: ['maya'],
    subject: 'Incident: channel quiet for 4 days',
    text: 'Nothing posted on Bluesky since Monday. @everyone look!',
    severity: 'critical' as const,
    links: [{ label: 'Acknowledge', url: 'https://metronome.example/ack/7' }],
  };

  it('sends an embed coloured by severity, mentions only the recipients, and returns the message id', async () => {
    const result = await harness.dispatcher.send('discord', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 1, remoteId: '1001' });
    expect(discord.requests[0].url).toMatch(/\?wait=true$/);
    const [body] = discord.bodies();
    expect(body).toMatchObject({
      content: '<@80351110224678912> Incident: channel quiet for 4 days',
      username: 'Metronome',
      allowed_mentions: { parse: [], users: ['80351110224678912'] },
      embeds: [
        {
          title: 'Incident: channel quiet for 4 days',
          description: 'Nothing posted on Bluesky since Monday. @everyone look!',
          color: 0xe74c3c,
          url: 'https://metronome.example/ack/7',
          fields: [{ name: 'Links', value: '[Acknowledge](https://metronome.example/ack/7)' }],
        },
      ],
    });
  });

  it('truncates to the 2,000-character content and embed limits, so Discord accepts long messages', async () => {
    const result = await harness.dispatcher.send('discord', {
      ...notification,
      subject: 'S'.repeat(3000),
      text: 'T'.repeat(9000),
      links: Array.from({ length: 40 }, (_, i) => ({
        label: `Link ${i}`,
        url: `https://x.example/${'p'.repeat(40)}/${i}`,
      })),
    });

    expect(result.status).toBe('sent');
    const [body] = discord.bodies<{
      content: string;
      embeds: Array<{ title: string; description: string; fields: Array<{ value: string }> }>;
    }>();
    expect(body.content).toHaveLength(2000);
    expect(body.content.endsWith('…')).toBe(true);
    expect(body.embeds[0].title).toHaveLength(256);
    expect(body.embeds[0].description).toHaveLength(4096);
    expect(body.embeds[0].fields[0].value.length).toBeLessThanOrEqual(1024);
    expect(body.embeds[0].fields[0].value.endsWith('…')).toBe(true);
  });

  it('on 429 waits Discord’s retry_after (seconds, a float), then delivers', async () => {
    discord.willAnswer({ rateLimited: { retryAfterSeconds: 1.25 } });

    const result = await harness.dispatcher.send('discord', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.sleeps).toEqual([1250]);
  });

  it('caps a very long rate-limit wait at 60 s', async () => {
    discord.willAnswer({ rateLimited: { retryAfterSeconds: 600, global: true } });

    const result = await harness.dispatcher.send('discord', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.sleeps).toEqual([60_000]);
  });

  it('an unknown webhook (404) fails at once and says how to fix it', async () => {
    discord.willAnswer({ unknownWebhook: true });

    const result = await harness.dispatcher.send('discord', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    if (result.status === 'failed') {
      expect(result.error).toContain('Unknown Webhook (code 10015)');
      expect(result.error).toContain('notifiers.discord.options.webhookUrl');
      expect(result.error).not.toContain(discord.token);
    }
  });

  it('a wrong token (401) is an authentication failure, not retried', async () => {
    discord.willAnswer({ invalidToken: true });

    const result = await harness.dispatcher.send('discord', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'authentication' });
    expect(discord.requests).toHaveLength(1);
  });

  it('retries 5xx and gives up after 5 attempts', async () => {
    discord.willAnswer(...Array.from({ length: 5 }, () => ({ serverError: 502 as const })));

    const result = await harness.dispatcher.send('discord', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 5, errorKind: 'transient' });
    expect(discord.requests).toHaveLength(5);
    expect(harness.logs.join('\n')).not.toContain(discord.token);
  });
});
