import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import type { LoadedConfig } from '../config/config.loader';
import { RecordsCliModule } from '../cli/modules/records-cli.module';
import { OAuthAuthorizationRepository } from './oauth-authorization.repository';
import { OAuthConnectService } from './oauth-connect.service';
import { OAuthProviders } from './oauth-providers';

/**
 * `metronome channels connect` / `disconnect`: the records role with the configuration, plus the connect flow.
 * `credentials` brings the `CredentialStore` (the global CredentialsModule); nothing here provides one.
 */
@Module({})
export class OAuthCliModule {
  static forRoot(
    config: { loaded: LoadedConfig; path: string },
    credentials: NonNullable<ModuleMetadata['imports']> = [],
  ): DynamicModule {
    const services = [OAuthProviders, OAuthAuthorizationRepository, OAuthConnectService];
    return {
      module: OAuthCliModule,
      imports: [RecordsCliModule.forRoot(config), ...credentials],
      providers: services,
      exports: services,
    };
  }
}
