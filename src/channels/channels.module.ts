import { Module } from '@nestjs/common';
import { EscalationsModule } from '../escalations/escalations.module';
import { ChannelCredentials } from './channel-credentials';
import { ChannelRepository } from './channel.repository';
import { ChannelsController } from './channels.controller';
import { ConnectorInstances } from './connector-instances';

/**
 * The brands' channels: one connector instance per channel, and their credentials (a refusal marks the channel
 * `needs_reconnect` and opens an incident; a reconnect clears it). Publishing and the monitor features (inbox,
 * metrics, profiles) reach the connectors through this module; it needs no queue.
 */
@Module({
  imports: [EscalationsModule],
  providers: [ChannelRepository, ConnectorInstances, ChannelCredentials],
  exports: [ChannelRepository, ConnectorInstances, ChannelCredentials],
})
export class ChannelsModule {}

/** The API role's view of channels: their status, and reconnecting one whose credentials were refused. */
@Module({ imports: [ChannelsModule], controllers: [ChannelsController] })
export class ChannelsApiModule {}
