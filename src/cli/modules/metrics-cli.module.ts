import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { MetricsModule } from '../../metrics/metrics.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { QueueModule } from '../../queue/queue.module';
import { RulesModule } from '../../rules/rules.module';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `metrics collect`: the connectors and the metrics.collected rules, as in the scheduler. Connectors live in
 * the publishing module, which needs a queue driver; the inline one starts nothing.
 */
@Module({})
export class MetricsCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: MetricsCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        QueueModule.forRoot(undefined),
        ConfigModule.forRoot(loaded, configPath),
        PluginHostModule,
        RulesModule,
        MetricsModule,
      ],
    };
  }
}
