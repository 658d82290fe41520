import { ClockModule } from '../../src/clock/clock.module';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigService } from '../../src/config/config.service';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import { NOTIFICATION_RETRY_OPTIONS } from '../../src/notifications/notification-retry.policy';
import { NotificationTemplateRenderer } from '../../src/notifications/notification-template.renderer';
import { NotificationsModule } from '../../src/notifications/notifications.module';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { SlackWebhookFake } from '../fakes/slack-webhook.fake';
import { WebhookReceiverFake } from '../fakes/webhook-receiver.fake';
import {
  collectingLogger,
  configWithNotifiers,
  createNotificationHarness,
  type NotificationHarness,
} from './notification-test.harness';

const DISPATCHER_SECRET = `whsec_${Buffer.from('dispatcher-test-secret-32-bytes!').toString('base64')}`;

/** What the dispatcher does around the plugins: setup errors, reloads, redaction, and Nest wiring. */
describe('notification dispatcher', () => {
  let first: SlackWebhookFake;
  let second: SlackWebhookFake;
  let harness: NotificationHarness;

  const slackConfig = (url: string) =>
    configWithNotifiers(
      `  slack: { plugin: slack, options: { webhookUrl: "${url}" } }`,
      '{ slack: U024BE7LH }',
    );
  const message = { to: ['maya'], subject: 'Hello', text: 'Hi' };

  beforeEach(async () => {
    first = await new SlackWebhookFake().start();
    second = await new SlackWebhookFake().start();
    harness = await createNotificationHarness(slackConfig(first.webhookUrl));
  });

  afterEach(async () => {
    await first.stop();
    await second.stop();
    await harness?.dispose();
  });

  it('an unknown notifier id fails without an attempt and suggests the right one', async () => {
    const result = await harness.dispatcher.send('slak', message);

    expect(result).toMatchObject({
      status: 'failed',
      attempts: 0,
      errorKind: 'configuration',
      error: 'unknown notifier "slak" (did you mean "slack"?): defined are slack',
    });
  });

  it('after a config reload, sends go through a new instance with the new options', async () => {
    await harness.dispatcher.send('slack', message);
    await harness.rewriteConfig(slackConfig(second.webhookUrl));
    await harness.dispatcher.send('slack', message);

    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
  });

  it('a send that is retrying when the config reloads finishes on the new configuration', async () => {
    first.willAnswer({ serverError: 503 });
    const reloading: NotificationHarness = await createNotificationHarness(slackConfig(first.webhookUrl), {
      // The reload lands while the dispatcher waits between attempts.
      retry: { sleep: () => reloading.rewriteConfig(slackConfig(second.webhookUrl)) },
    });
    try {
      const result = await reloading.dispatcher.send('slack', message);

      expect(result).toMatchObject({ status: 'sent', attempts: 2 });
      expect([first.requests.length, second.requests.length]).toEqual([1, 1]);
    } finally {
      await reloading.dispose();
    }
  });

  it('redacts values that came from ${env:…} out of errors', async () => {
    const token = 'sk-live-ABCDEF123456';
    const receiver = await new WebhookReceiverFake(DISPATCHER_SECRET).start();
    const withEnv = await createNotificationHarness(
      configWithNotifiers(
        `  ops: { plugin: webhook, options: { url: "${receiver.url}", secret: "${DISPATCHER_SECRET}", ` +
          'headers: { Authorization: "Bearer ${env:OPS_TOKEN}" } } }',
      ),
      { env: { OPS_TOKEN: token } },
    );
    try {
      // A receiver that echoes the request's Authorization header in its error body.
      receiver.willAnswer({ status: 400, body: `bad token Bearer ${token}` });

      const result = await withEnv.dispatcher.send('ops', message);

      expect(result.status).toBe('failed');
      if (result.status === 'failed') {
        expect(result.error).toContain('bad token Bearer [redacted]');
        expect(result.error).not.toContain(token);
      }
      expect(withEnv.logs.join('\n')).not.toContain(token);
    } finally {
      await receiver.stop();
      await withEnv.dispose();
    }
  });

  it('NotificationsModule wires the dispatcher, renderer and health service from the global providers', async () => {
    @Global()
    @Module({
      providers: [
        { provide: ConfigService, useValue: harness.config },
        { provide: PluginContextFactory, useValue: harness.contexts },
        { provide: NOTIFICATION_RETRY_OPTIONS, useValue: { maxAttempts: 1 } },
      ],
      exports: [ConfigService, PluginContextFactory, NOTIFICATION_RETRY_OPTIONS],
    })
    class AppProvidersModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [ClockModule, AppProvidersModule, NotificationsModule],
    })
      .setLogger(collectingLogger(harness.logs))
      .compile();
    try {
      const dispatcher = moduleRef.get(NotificationDispatcherService);
      const health = moduleRef.get(NotifierHealthService);
      const renderer = moduleRef.get(NotificationTemplateRenderer);
      first.willAnswer({ serverError: 500 });

      const result = await dispatcher.send('slack', {
        to: ['maya'],
        ...renderer.render('generic', { subject: 'S', body: 'B' }),
      });

      expect(result).toMatchObject({ status: 'failed', attempts: 1 });
      expect(health.snapshot().notifiers.slack.consecutiveFailures).toBe(1);
    } finally {
      await moduleRef.close();
    }
  });
});
