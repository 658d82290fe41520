import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { CredentialsModule } from '../../credentials/credentials.module';
import { InboxModule } from '../../inbox/inbox.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `inbox poll`: the channels' inboxes and the inbox rules (an escalation they open goes out through the
 * notifiers directly). No queue and no schedule: the poll runs once.
 */
@Module({})
export class InboxPollCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: InboxPollCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        ConfigModule.forRoot(loaded, configPath),
        PluginHostModule,
        // The OAuth channels' tokens (and the check that the key in force opens them).
        CredentialsModule,
        InboxModule,
      ],
    };
  }
}
