import { ConsoleLogger, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { PinoLogger } from '../../src/app/pino.logger';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices, type ContentServices } from '../content/content-services.fixture';
import { incidentService } from '../escalations/incident-service.fixture';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import type { ConnectorInstances } from '../../src/channels/connector-instances';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import type { VariantPublisher } from '../../src/publishing/variant-publisher.service';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { buildVariantPublisher } from './variant-publisher.fixture';
import type { RateBudget } from '../../src/publishing/rate-budget';
import { ReadingClock } from '../fakes/reading.clock';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';

/**
 * A VariantPublisher over a real database and a content workspace on the sandbox connector, with the time
 * in `clock` (set it before each step); `newPublisher()` stands for a freshly started worker process.
 */
export interface PublisherFixture {
  ws: ContentWorkspace;
  services: ContentServices;
  credentials: ChannelCredentials;
  clock: { now: Date };
  /** The channels' connectors the publishers send through (a test may wrap one). */
  connectors: ConnectorInstances;
  newPublisher(): VariantPublisher;
  variantOf(sourcePath: string, channel: string): Promise<PostVariantEntity>;
}

export async function createPublisherFixture(
  dataSource: DataSource,
  yaml: string,
  /** A rate budget shared with other workers (Redis, on the Bull driver); in-process by default. */
  budget?: RateBudget,
): Promise<PublisherFixture> {
  const ws = await createContentWorkspace(dataSource, yaml);
  const services = await createContentServices(dataSource);
  const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
  const incidents = incidentService(dataSource);
  const channels = new ChannelRepository(new TransactionContext(dataSource));
  const credentials = new ChannelCredentials(channels, new AuditRepository(dataSource), config, incidents);
  const clock = { now: new Date('2026-12-01T00:00:00Z') };
  const connectors = connectorInstancesOn(dataSource, config, new ReadingClock(() => clock.now), channels);
  return {
    ws,
    services,
    credentials,
    clock,
    connectors,
    newPublisher: () =>
      buildVariantPublisher({ dataSource, config, connectors, content: services, credentials, budget }),
    variantOf: async (sourcePath, channel) => {
      const post = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath });
      const row = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: channel });
      return dataSource
        .getRepository(PostVariantEntity)
        .findOneByOrFail({ channelId: row.id, postId: post.id });
    },
  };
}

/** Routes Nest's loggers to the app's pino logger writing JSON lines into memory; `restore()` puts Nest's back. */
export function captureLogs(): { lines: () => Array<Record<string, unknown>>; restore: () => void } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  Logger.overrideLogger(new PinoLogger(pino({ level: 'debug' }, sink)));
  return {
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      Logger.overrideLogger(new ConsoleLogger());
    },
  };
}
