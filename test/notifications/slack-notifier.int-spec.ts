import { SlackWebhookFake } from '../fakes/slack-webhook.fake';
import {
  configWithNotifiers,
  createNotificationHarness,
  type NotificationHarness,
} from './notification-test.harness';

/** The slack plugin through the dispatcher, against a receiver that answers as Slack documents. */
describe('slack notifier', () => {
  let slack: SlackWebhookFake;
  let harness: NotificationHarness;

  beforeEach(async () => {
    slack = await new SlackWebhookFake().start();
    harness = await createNotificationHarness(
      configWithNotifiers(
        `  slack: { plugin: slack, options: { webhookUrl: "${slack.webhookUrl}" } }`,
        '{ slack: U024BE7LH }',
      ),
    );
  });

  afterEach(async () => {
    await slack.stop();
    await harness?.dispose();
  });

  const notification = {
    to: ['maya', 'U0RAWADDR', 'ops-team'],
    subject: 'Approval overdue: Winter blend',
    text: 'Copy review is 3h late. <!channel> & <https://evil.example|your bank>',
    severity: 'warning' as const,
    links: [
      { label: 'Open in Metronome', url: 'https://metronome.example/posts/1' },
      { label: 'Acknowledge', url: 'https://metronome.example/ack/1' },
    ],
  };

  it('posts a Block Kit message: header, escaped text, mentions and link buttons', async () => {
    const result = await harness.dispatcher.send('slack', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 1 });
    const [body] = slack.bodies<{ text: string; blocks: Array<Record<string, unknown>> }>();
    expect(body.text).toContain('<@U024BE7LH>');
    expect(body.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: ':warning: Approval overdue: Winter blend', emoji: true },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Copy review is 3h late. &lt;!channel&gt; &amp; &lt;https://evil.example|your bank&gt;',
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'For <@U024BE7LH> <@U0RAWADDR> ops-team' }] },
      {
        type: 'actions',
        elements: [
          expect.objectContaining({ type: 'button', url: 'https://metronome.example/posts/1' }),
          expect.objectContaining({ type: 'button', url: 'https://metronome.example/ack/1' }),
        ],
      },
    ]);
    expect(slack.requests[0].headers['content-type']).toContain('application/json');
  });

  it('keeps within Slack’s block limits, so a very long message is still accepted', async () => {
    const result = await harness.dispatcher.send('slack', {
      ...notification,
      subject: 'S'.repeat(400),
      text: 'T'.repeat(10_000),
      links: Array.from({ length: 30 }, (_, i) => ({
        label: 'L'.repeat(100),
        url: `https://x.example/${i}`,
      })),
    });

    expect(result.status).toBe('sent');
    const [body] = slack.bodies<{ blocks: Array<{ type: string; text?: { text: string } }> }>();
    expect(body.blocks[0].text?.text).toHaveLength(150);
    expect(body.blocks[1].text?.text.endsWith('…')).toBe(true);
  });

  it('on 429 waits what Retry-After says, then delivers', async () => {
    slack.willAnswer({ rateLimited: { retryAfterSeconds: 7 } });

    const result = await harness.dispatcher.send('slack', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.sleeps).toEqual([7000]);
    expect(slack.requests).toHaveLength(2);
  });

  it.each([
    ['invalid_payload', 400],
    ['action_prohibited', 403],
    ['no_service', 404],
    ['channel_is_archived', 410],
  ] as const)('%s (%i) fails at once with Slack’s reason and the option to fix', async (code, status) => {
    slack.willAnswer({ error: code });

    const result = await harness.dispatcher.send('slack', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    expect(slack.requests).toHaveLength(1);
    expect(harness.sleeps).toEqual([]);
    if (result.status === 'failed') {
      expect(result.error).toContain(`slack notifier "slack": Slack (127.0.0.1:`);
      expect(result.error).toContain(`answered ${status} ${code}`);
    }
  });

  it('retries 5xx with exponential backoff and gives up after 5 attempts', async () => {
    slack.willAnswer(...Array.from({ length: 5 }, () => ({ serverError: 503 as const })));

    const result = await harness.dispatcher.send('slack', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 5, errorKind: 'transient' });
    expect(slack.requests).toHaveLength(5);
    // random() is 0.5 in the harness: half of 1 s, 2 s, 4 s, 8 s.
    expect(harness.sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('never puts the webhook URL’s secret path in results or logs', async () => {
    slack.willAnswer({ error: 'no_service' });

    const result = await harness.dispatcher.send('slack', notification);

    expect(JSON.stringify(result)).not.toContain(slack.secretPath);
    expect(harness.logs.length).toBeGreaterThan(0);
    expect(harness.logs.join('\n')).not.toContain(slack.secretPath);
  });
});
