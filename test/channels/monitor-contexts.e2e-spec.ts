import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import { InboxPollCliModule } from '../../src/cli/modules/inbox-poll-cli.module';
import { MetricsCliModule } from '../../src/cli/modules/metrics-cli.module';
import { ProfilesCliModule } from '../../src/cli/modules/profiles-cli.module';
import { loadConfiguration, type LoadedConfig } from '../../src/config/config.loader';
import { VariantPublisher } from '../../src/publishing/variant-publisher.service';
import { QUEUE_DRIVER } from '../../src/queue/queue-driver';
import { BRAND_YAML } from '../content/content-workspace';

jest.setTimeout(120_000);

/**
 * The monitor commands (`inbox poll`, `metrics collect`, `profiles check`) reach the connectors through the
 * channels feature: their contexts hold the connector instances, and neither a queue driver nor the publisher.
 */
describe('monitor CLI contexts: channels without publishing or a queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-monitor-contexts-'));
  const configPath = join(dir, 'metronome.yaml');
  let loaded: LoadedConfig;
  const previous = { database: process.env.DATABASE_URL, redis: process.env.REDIS_URL };

  beforeAll(async () => {
    mkdirSync(join(dir, 'content'));
    writeFileSync(configPath, BRAND_YAML);
    const result = await loadConfiguration(configPath, { env: {} });
    if (!result.ok) {
      throw new Error(JSON.stringify(result.issues));
    }
    loaded = result.loaded;
    process.env.DATABASE_URL = `sqlite:${join(dir, 'cli.db')}`;
    // A Redis that does not answer: a context that tried to reach it would not start.
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
  });

  afterAll(() => {
    process.env.DATABASE_URL = previous.database;
    process.env.REDIS_URL = previous.redis;
  });

  it.each<[string, () => DynamicModule]>([
    ['inbox poll', () => InboxPollCliModule.forConfig(loaded, configPath)],
    ['metrics collect', () => MetricsCliModule.forConfig(loaded, configPath)],
    ['profiles check', () => ProfilesCliModule.forConfig(loaded, configPath)],
  ])('%s', async (_command, module) => {
    const app = await NestFactory.createApplicationContext(module(), { logger: false, abortOnError: false });
    try {
      expect(app.get(ConnectorInstances, { strict: false })).toBeInstanceOf(ConnectorInstances);
      expect(app.get(ChannelCredentials, { strict: false })).toBeInstanceOf(ChannelCredentials);
      expect(() => app.get<symbol, unknown>(QUEUE_DRIVER, { strict: false })).toThrow();
      expect(() => app.get(VariantPublisher, { strict: false })).toThrow();
    } finally {
      await app.close();
    }
  });
});
