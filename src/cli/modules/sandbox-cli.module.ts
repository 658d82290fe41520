import { Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { PluginHostModule } from '../../plugin-host/plugin-host.module';
import { CliDatabaseModule } from './cli-database.module';

/** `sandbox …`: the plugin context of a sandbox channel (its state rows), as its connector sees it. */
@Module({})
export class SandboxCliModule {
  static forConfig(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: SandboxCliModule,
      imports: [CliDatabaseModule.forRoot(), ConfigModule.forRoot(loaded, configPath), PluginHostModule],
    };
  }
}
