import { DynamicModule, Module } from '@nestjs/common';
import { LoadedConfig } from './config.loader';
import { ConfigService } from './config.service';

@Module({})
export class ConfigModule {
  /** The configuration is loaded and validated before Nest starts; the module only holds it. */
  static forRoot(loaded: LoadedConfig, configPath: string): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: ConfigService, useFactory: () => new ConfigService(loaded, configPath) }],
      exports: [ConfigService],
    };
  }
}
