import { Global, Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { TokenRefresher } from '../credentials/credential-store';
import { EscalationsModule } from '../escalations/escalations.module';
import { OAuthAuthorizationRepository } from './oauth-authorization.repository';
import { OAuthCallbackController } from './oauth-callback.controller';
import { OAuthConnectService } from './oauth-connect.service';
import { OAuthProviders } from './oauth-providers';
import { OAuthRefresher } from './oauth-refresher';
import { TokenRenewalJob } from './token-renewal.job';

/**
 * OAuth-connected channels: the authorization-code flow (`metronome channels connect`, /oauth/callback) and token
 * renewal, bound to the core's TokenRefresher port (global: the plugin host's PluginCredentials reach it in every
 * role). Needs `CredentialStore` from the global CredentialsModule; it does not provide one itself.
 */
@Global()
@Module({
  imports: [ChannelsModule, EscalationsModule],
  providers: [
    OAuthProviders,
    OAuthAuthorizationRepository,
    OAuthConnectService,
    OAuthRefresher,
    { provide: TokenRefresher, useExisting: OAuthRefresher },
  ],
  exports: [TokenRefresher, OAuthConnectService, OAuthProviders, OAuthAuthorizationRepository],
})
export class OAuthModule {}

/** The api role's OAuth redirect URL, /oauth/callback. */
@Module({ imports: [OAuthModule], controllers: [OAuthCallbackController] })
export class OAuthApiModule {}

/** The scheduler role's renewal before expiry, every minute. */
@Module({ imports: [OAuthModule, ChannelsModule, EscalationsModule], providers: [TokenRenewalJob] })
export class OAuthSchedulerModule {}
