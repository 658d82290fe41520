import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { InboxModule } from '../../inbox/inbox.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { QueueModule } from '../../queue/queue.module';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `inbox poll`: the connectors' inboxes and the inbox rules, on the queue the cluster uses (REDIS_URL) so an
 * escalation it opens is sent the way the workers send it. No schedule: the poll runs once.
 */
@Module({})
export class InboxPollCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: InboxPollCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        ConfigModule.forRoot(loaded, configPath),
        QueueModule.forRoot(process.env.REDIS_URL, process.env.METRONOME_REDIS_PREFIX || 'metronome'),
        PluginHostModule,
        InboxModule,
      ],
    };
  }
}
