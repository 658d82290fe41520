import { Logger, type LoggerService } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/clock/fake.clock';
import { formatConfigIssue } from '../../src/config/config-issue';
import { loadConfiguration } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { WebhookTargets } from '../../src/webhooks/webhook-targets.service';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import type { NotificationRetryOptions } from '../../src/notifications/notification-retry.policy';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/**
 * The notifications stack as the app builds it: a YAML config loaded by the real loader (so the built-in
 * notifier plugins and their option schemas are the real ones), the real plugin context factory on a test
 * database, and the dispatcher with a fake clock whose sleep() only records the wait and moves time on.
 */
export interface NotificationHarness {
  config: ConfigService;
  contexts: PluginContextFactory;
  dispatcher: NotificationDispatcherService;
  health: NotifierHealthService;
  /** Every wait the dispatcher asked for, in milliseconds. */
  sleeps: number[];
  now(): Date;
  /** Everything Nest's Logger printed while the harness was up, for "no secrets in logs" checks. */
  logs: string[];
  /** Replaces the config file and reloads it, as a file edit or SIGHUP would. */
  rewriteConfig(yaml: string): Promise<void>;
  dispose(): Promise<void>;
}

export const START = new Date('2026-11-02T09:00:00Z');

export interface HarnessOptions {
  failingAfter?: number;
  retry?: Partial<Omit<NotificationRetryOptions, 'clock'>>;
  /** What ${env:…} references in the YAML resolve to. */
  env?: NodeJS.ProcessEnv;
}

export async function createNotificationHarness(
  yaml: string,
  options: HarnessOptions = {},
): Promise<NotificationHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-notify-'));
  const file = join(dir, 'metronome.yaml');
  writeFileSync(file, yaml);
  const result = await loadConfiguration(file, { env: options.env ?? {} });
  if (!result.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test config is invalid:\n${result.issues.map(formatConfigIssue).join('\n')}`);
  }
  const logs: string[] = [];
  Logger.overrideLogger(collectingLogger(logs));
  const database: TestDatabase = await createTestDatabase();
  const dataSource = await database.openMigrated();
  const config = new ConfigService(result.loaded, file);
  const contexts = new PluginContextFactory(
    new PluginStateRepository(dataSource),
    new WebhookTargets(config),
  );
  const health = new NotifierHealthService(config, options.failingAfter);
  const clock = new FakeClock(START);
  const sleeps: number[] = [];
  const dispatcher = new NotificationDispatcherService(config, contexts, health, clock, {
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    random: () => 0.5,
    ...options.retry,
  });
  return {
    config,
    contexts,
    dispatcher,
    health,
    sleeps,
    logs,
    now: () => clock.now(),
    async rewriteConfig(next) {
      writeFileSync(file, next);
      const reloaded = await config.reload('test');
      if (!reloaded.ok) {
        throw new Error(`rewritten config is invalid:\n${reloaded.issues.map(formatConfigIssue).join('\n')}`);
      }
    },
    async dispose() {
      await dispatcher.onModuleDestroy();
      await database.dispose();
      rmSync(dir, { recursive: true, force: true });
      Logger.overrideLogger(['error', 'warn']);
    },
  };
}

export function collectingLogger(logs: string[]): LoggerService {
  const push = (message: unknown, ...rest: unknown[]) => {
    logs.push([message, ...rest].map((part) => String(part)).join(' '));
  };
  return { log: push, error: push, warn: push, debug: push, verbose: push, fatal: push };
}

/**
 * The YAML every suite starts from: two people, no brands, and the notifiers a suite adds. Maya's handles
 * (keyed by notifier id) are the suite's to give, since a handle for an undefined notifier is a config error.
 */
export function configWithNotifiers(notifiers: string, mayaHandles = '{}'): string {
  return [
    'organisation: { name: Test Studio, timezone: Europe/London }',
    'people:',
    `  maya: { name: Maya Owens, email: maya@example.com, handles: ${mayaHandles} }`,
    '  theo: { name: Theo Grant, email: theo@example.com }',
    'brands: {}',
    // The suites' receivers listen on this machine: an address Metronome refuses unless allowed.
    'network: { allowInternalTargets: ["127.0.0.1"] }',
    'notifiers:',
    notifiers,
    '',
  ].join('\n');
}
