import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { CredentialsModule } from '../../credentials/credentials.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { ProfilesModule } from '../../profiles/profiles.module';
import { RulesModule } from '../../rules/rules.module';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `profiles check`: the channels' connectors and the profile.drifted rules, as in the scheduler. No queue: the
 * connectors live in the channels feature, not in publishing.
 */
@Module({})
export class ProfilesCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: ProfilesCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        ConfigModule.forRoot(loaded, configPath),
        PluginHostModule,
        // The OAuth channels' tokens (and the check that the key in force opens them).
        CredentialsModule,
        RulesModule,
        ProfilesModule,
      ],
    };
  }
}
