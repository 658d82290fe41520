import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { CredentialsModule } from '../../credentials/credentials.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { RulesModule } from '../../rules/rules.module';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `metrics collect`: the channels' connectors and the metrics.collected rules, as in the scheduler. No queue: the
 * connectors live in the channels feature, not in publishing.
 */
@Module({})
export class MetricsCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: MetricsCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        ConfigModule.forRoot(loaded, configPath),
        PluginHostModule,
        // The OAuth channels' tokens (and the check that the key in force opens them).
        CredentialsModule,
        RulesModule,
        MetricsModule,
      ],
    };
  }
}
