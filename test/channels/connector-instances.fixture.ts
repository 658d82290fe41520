import type { DataSource } from 'typeorm';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import { SYSTEM_CLOCK, type Clock } from '../../src/clock/clock';
import type { ConfigService } from '../../src/config/config.service';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';

/** The channels' connectors on `dataSource`, for suites that build their services by hand (ChannelsModule does it in the app). */
export function connectorInstancesOn(
  dataSource: DataSource,
  config: ConfigService,
  clock: Clock = SYSTEM_CLOCK,
  channels = new ChannelRepository(new TransactionContext(dataSource)),
): ConnectorInstances {
  return new ConnectorInstances(
    config,
    new PluginContextFactory(new PluginStateRepository(dataSource)),
    channels,
    clock,
  );
}
