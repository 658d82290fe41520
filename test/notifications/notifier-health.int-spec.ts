import type {
  NotifierFailingEvent,
  NotifierRecoveredEvent,
} from '../../src/notifications/notifier-health.service';
import { WebhookReceiverFake } from '../fakes/webhook-receiver.fake';
import {
  configWithNotifiers,
  createNotificationHarness,
  START,
  type NotificationHarness,
} from './notification-test.harness';

const SECRET = `whsec_${Buffer.from('notifier-health-test-secret-32by').toString('base64')}`;

/** A notifier becomes "failing" after 3 failed sends in a row, and says so once; a success clears it. */
describe('notifier health', () => {
  let receiver: WebhookReceiverFake;
  let harness: NotificationHarness;
  const failing: NotifierFailingEvent[] = [];
  const recovered: NotifierRecoveredEvent[] = [];

  beforeEach(async () => {
    failing.length = 0;
    recovered.length = 0;
    receiver = await new WebhookReceiverFake(SECRET).start();
    harness = await createNotificationHarness(
      configWithNotifiers(
        `  ops: { plugin: webhook, options: { url: "${receiver.url}", secret: "${SECRET}" } }\n` +
          '  slack: { plugin: slack, options: { webhookUrl: "https://hooks.slack.invalid/services/x" } }',
      ),
    );
    harness.health.onFailing((event) => {
      failing.push(event);
    });
    harness.health.onRecovered((event) => {
      recovered.push(event);
    });
  });

  afterEach(async () => {
    await receiver.stop();
    await harness?.dispose();
  });

  const send = () => harness.dispatcher.send('ops', { to: [], subject: 'Ping', text: 'ping' });

  it('turns failing on the third failed send in a row, notifies once, and recovers on success', async () => {
    // 410 is permanent, so each send is one attempt and no time passes.
    receiver.willAnswer({ status: 410 }, { status: 410 });
    await send();
    await send();
    expect(harness.health.snapshot().notifiers.ops).toMatchObject({ state: 'ok', consecutiveFailures: 2 });
    expect(failing).toEqual([]);

    receiver.willAnswer({ status: 410 }, { status: 410 });
    await send();
    await send();

    expect(failing).toEqual([
      {
        notifier: 'ops',
        plugin: 'webhook',
        consecutiveFailures: 3,
        lastError: expect.stringContaining('answered 410'),
        since: START,
      },
    ]);
    expect(harness.health.isFailing('ops')).toBe(true);
    expect(harness.health.snapshot()).toEqual({
      status: 'degraded',
      failingAfter: 3,
      notifiers: {
        ops: {
          plugin: 'webhook',
          state: 'failing',
          consecutiveFailures: 4,
          lastFailureAt: START.toISOString(),
          failingSince: START.toISOString(),
          lastError: expect.stringContaining('webhook notifier "ops"'),
        },
        slack: { plugin: 'slack', state: 'unknown', consecutiveFailures: 0 },
      },
    });

    await send();

    expect(recovered).toEqual([
      { notifier: 'ops', plugin: 'webhook', failingSince: START, recoveredAt: START },
    ]);
    expect(harness.health.snapshot()).toMatchObject({
      status: 'ok',
      notifiers: { ops: { state: 'ok', consecutiveFailures: 0, lastSuccessAt: START.toISOString() } },
    });
    expect(failing).toHaveLength(1);
  });

  it('a success in between resets the count', async () => {
    receiver.willAnswer({ status: 410 }, { status: 410 }, { ok: true }, { status: 410 }, { status: 410 });
    for (let i = 0; i < 5; i += 1) {
      await send();
    }

    expect(harness.health.snapshot().notifiers.ops).toMatchObject({ state: 'ok', consecutiveFailures: 2 });
    expect(failing).toEqual([]);
  });

  it('a listener that throws does not break the send that triggered it', async () => {
    harness.health.onFailing(() => {
      throw new Error('escalation engine is down');
    });
    harness.health.onFailing(async () => Promise.reject(new Error('async failure')));
    receiver.willAnswer({ status: 410 }, { status: 410 }, { status: 410 });

    const results = [await send(), await send(), await send()];

    expect(results.map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(failing).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(harness.logs.join('\n')).toContain('a notifier health listener failed: escalation engine is down');
    expect(harness.logs.join('\n')).toContain('a notifier health listener failed: async failure');
  });
});
