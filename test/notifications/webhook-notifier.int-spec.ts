import { Webhook } from 'standardwebhooks';
import { webhookMessageId } from '../../src/plugin-sdk';
import { verifyStandardWebhook, WebhookReceiverFake } from '../fakes/webhook-receiver.fake';
import {
  configWithNotifiers,
  createNotificationHarness,
  START,
  type NotificationHarness,
} from './notification-test.harness';

const SECRET = `whsec_${Buffer.from('webhook-notifier-test-secret-32b').toString('base64')}`;

/** The generic webhook plugin through the dispatcher, against a receiver that verifies signatures. */
describe('webhook notifier', () => {
  let receiver: WebhookReceiverFake;
  let harness: NotificationHarness;

  beforeEach(async () => {
    receiver = await new WebhookReceiverFake(SECRET).start();
    harness = await createNotificationHarness(
      configWithNotifiers(
        `  ops:\n    plugin: webhook\n    options:\n      url: "${receiver.url}"\n      secret: "${SECRET}"\n` +
          '      headers: { X-Team: social }',
      ),
    );
  });

  afterEach(async () => {
    await receiver.stop();
    await harness?.dispose();
  });

  const notification = {
    id: 'incident-42-level-1',
    to: ['maya', 'oncall@example.com'],
    subject: 'Post failed on Bluesky',
    text: 'The post "Winter blend" failed: media too large.',
    severity: 'critical' as const,
    links: [{ label: 'Open', url: 'https://metronome.example/posts/9' }],
    attachments: [
      { filename: 'error.txt', contentType: 'text/plain', content: new TextEncoder().encode('413') },
    ],
  };

  it('POSTs the documented envelope, signed per Standard Webhooks so the receiver can verify it', async () => {
    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({
      status: 'sent',
      attempts: 1,
      remoteId: webhookMessageId('incident-42-level-1'),
      unresolvedRecipients: [{ to: 'maya', reason: expect.stringContaining('add people.maya.handles.ops') }],
    });
    expect(receiver.verdicts).toEqual([{ ok: true }]);
    const [request] = receiver.requests;
    expect(request.headers['webhook-id']).toBe(webhookMessageId('incident-42-level-1'));
    expect(request.headers['x-team']).toBe('social');
    expect(request.headers['content-type']).toBe('application/json');
    const t = Number(request.headers['webhook-timestamp']);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(60);
    expect(request.headers['webhook-signature']).toBe(
      new Webhook(SECRET).sign(webhookMessageId('incident-42-level-1'), new Date(t * 1000), request.body),
    );
    expect(JSON.parse(request.body)).toEqual({
      id: webhookMessageId('incident-42-level-1'),
      type: 'notification',
      subject: 'Post failed on Bluesky',
      text: 'The post "Winter blend" failed: media too large.',
      severity: 'critical',
      links: [{ label: 'Open', url: 'https://metronome.example/posts/9' }],
      // Maya has no handle for "ops" (and webhooks do not use e-mail): only the raw address goes out.
      to: [{ address: 'oncall@example.com' }],
      attachments: [{ filename: 'error.txt', content_type: 'text/plain', size: 3, content_base64: 'NDEz' }],
      sent_at: START.toISOString(),
    });
  });

  it('a receiver rejects a tampered body, a wrong secret and a replayed (old) request', () => {
    const body = '{"id":"x"}';
    const sign = (at: Date, secret = SECRET) => ({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_1', at, body),
    });
    const now = new Date();

    expect(verifyStandardWebhook(sign(now), body, SECRET)).toEqual({ ok: true });
    expect(verifyStandardWebhook(sign(now), '{"id":"y"}', SECRET).ok).toBe(false);
    const other = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    expect(verifyStandardWebhook(sign(now, other), body, SECRET).ok).toBe(false);
    expect(verifyStandardWebhook(sign(new Date(now.getTime() - 3_600_000)), body, SECRET)).toEqual({
      ok: false,
      reason: 'Message timestamp too old',
    });
  });

  it('keeps one event id across retries, and signs each attempt', async () => {
    receiver.willAnswer({ status: 503 }, { status: 500 });

    const result = await harness.dispatcher.send('ops', { ...notification, id: undefined });

    expect(result).toMatchObject({ status: 'sent', attempts: 3 });
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(webhookMessageId(result.notificationId));
    expect(receiver.eventIds.size).toBe(1);
    expect(receiver.requests.every((r) => typeof r.headers['webhook-timestamp'] === 'string')).toBe(true);
    expect(receiver.verdicts).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });

  it('on 429 waits until the Retry-After date, then delivers', async () => {
    const retryAt = new Date(START.getTime() + 20_000);
    receiver.willAnswer({ status: 429, retryAfter: retryAt.toUTCString() });

    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.sleeps).toEqual([20_000]);
  });

  it.each([410, 400, 404] as const)('%i is permanent: no retry', async (status) => {
    receiver.willAnswer({ status });

    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    expect(receiver.requests).toHaveLength(1);
    expect(harness.sleeps).toEqual([]);
  });

  it('a receiver that refuses the signature (401) is permanent and points at the secret', async () => {
    await harness.rewriteConfig(
      configWithNotifiers(
        `  ops: { plugin: webhook, options: { url: "${receiver.url}", secret: "whsec_${Buffer.alloc(32, 1).toString('base64')}" } }`,
      ),
    );

    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    if (result.status === 'failed') {
      expect(result.error).toContain('check that notifiers.ops.options.secret');
    }
    expect(receiver.verdicts).toEqual([{ ok: false, reason: 'No matching signature found' }]);
  });

  it('retries 5xx and gives up after 5 attempts', async () => {
    receiver.willAnswer(...Array.from({ length: 5 }, () => ({ status: 500 as const })));

    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 5, errorKind: 'transient' });
    expect(receiver.requests).toHaveLength(5);
    expect(harness.logs.join('\n')).not.toContain(SECRET);
  });
});
