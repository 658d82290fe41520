import { createHmac } from 'node:crypto';
import { verifyMetronomeSignature, WebhookReceiverFake } from '../fakes/webhook-receiver.fake';
import {
  configWithNotifiers,
  createNotificationHarness,
  START,
  type NotificationHarness,
} from './notification-test.harness';

const SECRET = 'whsec-0123456789abcdef0123';

/** The generic webhook plugin through the dispatcher, against a receiver that verifies signatures. */
describe('webhook notifier', () => {
  let receiver: WebhookReceiverFake;
  let harness: NotificationHarness;

  beforeEach(async () => {
    receiver = await new WebhookReceiverFake(SECRET, { now: () => harness.now() }).start();
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

  it('POSTs the documented envelope, signed so the receiver can verify it', async () => {
    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({
      status: 'sent',
      attempts: 1,
      remoteId: 'incident-42-level-1',
      unresolvedRecipients: [{ to: 'maya', reason: expect.stringContaining('add people.maya.handles.ops') }],
    });
    expect(receiver.verdicts).toEqual([{ ok: true }]);
    const [request] = receiver.requests;
    expect(request.headers['x-metronome-event-id']).toBe('incident-42-level-1');
    expect(request.headers['x-team']).toBe('social');
    expect(request.headers['content-type']).toBe('application/json');
    const t = Math.floor(START.getTime() / 1000);
    const v1 = createHmac('sha256', SECRET).update(`${t}.${request.body}`).digest('hex');
    expect(request.headers['x-metronome-signature']).toBe(`t=${t},v1=${v1}`);
    expect(JSON.parse(request.body)).toEqual({
      id: 'incident-42-level-1',
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
    const now = new Date('2026-11-02T09:00:00Z');
    const t = Math.floor(now.getTime() / 1000);
    const header = `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;

    expect(verifyMetronomeSignature(header, body, SECRET, now)).toEqual({ ok: true });
    expect(verifyMetronomeSignature(header, '{"id":"y"}', SECRET, now).ok).toBe(false);
    expect(verifyMetronomeSignature(header, body, 'another-secret-0000', now).ok).toBe(false);
    expect(verifyMetronomeSignature(header, body, SECRET, new Date(now.getTime() + 3_600_000))).toEqual({
      ok: false,
      reason: 'timestamp outside tolerance (replay?)',
    });
  });

  it('keeps one event id across retries, and signs each attempt with its own timestamp', async () => {
    receiver.willAnswer({ status: 503 }, { status: 500 });

    const result = await harness.dispatcher.send('ops', { ...notification, id: undefined });

    expect(result).toMatchObject({ status: 'sent', attempts: 3 });
    const ids = receiver.requests.map((r) => r.headers['x-metronome-event-id']);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(result.notificationId);
    expect(receiver.eventIds.size).toBe(1);
    // Attempts at START, +0.5 s and +1.5 s (the harness's backoff waits).
    const stamps = receiver.requests.map((r) => String(r.headers['x-metronome-signature']).split(',')[0]);
    const t = Math.floor(START.getTime() / 1000);
    expect(stamps).toEqual([`t=${t}`, `t=${t}`, `t=${t + 1}`]);
    expect(receiver.verdicts.every((v) => v.ok)).toBe(true);
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
        `  ops: { plugin: webhook, options: { url: "${receiver.url}", secret: "not-the-receivers-secret" } }`,
      ),
    );

    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    if (result.status === 'failed') {
      expect(result.error).toContain('check that notifiers.ops.options.secret');
    }
    expect(receiver.verdicts).toEqual([{ ok: false, reason: 'signature mismatch' }]);
  });

  it('retries 5xx and gives up after 5 attempts', async () => {
    receiver.willAnswer(...Array.from({ length: 5 }, () => ({ status: 500 as const })));

    const result = await harness.dispatcher.send('ops', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 5, errorKind: 'transient' });
    expect(receiver.requests).toHaveLength(5);
    expect(harness.logs.join('\n')).not.toContain(SECRET);
  });
});
