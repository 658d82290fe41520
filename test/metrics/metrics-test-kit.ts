import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { DomainEvent } from '../../src/events/domain-event';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import type { TransactionalEvents } from '../../src/events/transactional-events';
import { transactionalEvents } from '../events/transactional-events.fixture';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import type { OneStepConnector } from '../../src/plugin-sdk';
import type { ContentWorkspace } from '../content/content-workspace';
import { Clock, SYSTEM_CLOCK } from '../../src/clock/clock';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';

/**
 * A folder connector plugin `down` for configs under test: declares metrics and profile, and every call
 * fails the way a platform outage does. The sandbox only injects faults into publishing.
 */
export function writeDownConnectorPlugin(dir: string): void {
  mkdirSync(join(dir, 'down'));
  writeFileSync(
    join(dir, 'down', 'index.js'),
    `module.exports = (sdk) => sdk.defineConnector({
  kind: 'connector', name: 'down', version: '1.0.0', sdk: '^1.0.0',
  capabilities: { publish: false, metrics: true, profile: true },
  create: () => ({
    fetchMetrics: async () => { throw new Error('down: 503 Service Unavailable'); },
    getProfile: async () => { throw new Error('down: 503 Service Unavailable'); },
  }),
});`,
  );
}

export interface ChannelServices {
  config: ConfigService;
  connectors: ConnectorInstances;
  events: TransactionalEvents;
  /** Every event published after commit, in order. */
  published: DomainEvent[];
  bus: DomainEventBus;
}

export function channelServices(
  dataSource: DataSource,
  ws: ContentWorkspace,
  clock: Clock = SYSTEM_CLOCK,
): ChannelServices {
  const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
  const connectors = connectorInstancesOn(dataSource, config, clock);
  const bus = new DomainEventBus();
  const published: DomainEvent[] = [];
  bus.subscribe(async (event) => {
    published.push(event);
  });
  return { config, connectors, events: transactionalEvents(dataSource, bus), published, bus };
}

/**
 * Sends a scheduled variant through its channel's real connector and records the result the way the
 * publisher does (published, remote id, time), without the publisher's queueing and retry machinery.
 */
export async function publishVariant(
  dataSource: DataSource,
  connectors: ConnectorInstances,
  brandId: string,
  channelKey: string,
  variant: PostVariantEntity,
  at: Date,
): Promise<void> {
  const { connector } = await connectors.get(brandId, channelKey);
  const result = await (connector as OneStepConnector).publish!({
    idempotencyKey: variant.idempotencyKey,
    text: variant.text,
    media: [],
    scheduledAt: at,
    extra: {},
  });
  await dataSource
    .getRepository(PostVariantEntity)
    .update(
      { id: variant.id },
      { state: 'published', remoteId: result.remoteId, remoteUrl: result.url ?? null, publishedAt: at },
    );
}
