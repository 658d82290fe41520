import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { CredentialsModule } from '../../credentials/credentials.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { ReportingModule } from '../../reporting/reporting.module';
import { CliDatabaseModule } from './cli-database.module';

/** `report`: render (and deliver) now; the report schedule is left to the workers. */
@Module({})
export class ReportCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: ReportCliModule,
      imports: [
        CliDatabaseModule.forRoot(),
        ConfigModule.forRoot(loaded, configPath),
        PluginHostModule,
        // The OAuth channels' tokens (and the check that the key in force opens them).
        CredentialsModule,
        ReportingModule.forRoot({ schedule: false }),
      ],
    };
  }
}
