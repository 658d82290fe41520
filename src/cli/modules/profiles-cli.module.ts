import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { ProfilesModule } from '../../profiles/profiles.module';
import { QueueModule } from '../../queue/queue.module';
import { RulesModule } from '../../rules/rules.module';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `profiles check`: the connectors and the profile.drifted rules, as in the scheduler. Connectors live in
 * the publishing module, which needs a queue driver; the inline one starts nothing.
 */
@Module({})
export class ProfilesCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: ProfilesCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        QueueModule.forRoot(undefined),
        ConfigModule.forRoot(loaded, configPath),
        PluginHostModule,
        RulesModule,
        ProfilesModule,
      ],
    };
  }
}
