import { Module } from '@nestjs/common';
import { ChannelsModule } from '../../channels/channels.module';
import { OAuthModule } from '../../oauth/oauth.module';
import { WebCoreModule } from '../web-core.module';
import { ChannelOverviewQuery } from './channel-overview.query';
import { ChannelsWebController } from './channels-web.controller';

/** The Channels screen (api role); CredentialStore comes from the global CredentialsModule. */
@Module({
  // forwardRef: web.module.ts imports this file to list the screen, and this one imports WebCoreModule from it.
  imports: [WebCoreModule, ChannelsModule, OAuthModule],
  providers: [ChannelOverviewQuery],
  controllers: [ChannelsWebController],
})
export class ChannelsWebModule {}
