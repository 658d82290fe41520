import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClockModule } from '../clock/clock.module';
import { ApiTokenRepository } from './api-token.repository';
import { AuditRepository } from './audit.repository';
import { BrandRepository } from './brand.repository';
import { ConfigRevisionRepository } from './config-revision.repository';
import { openDataSource, runMigrations, type DataSourceFactoryOptions } from './data-source.factory';
import type { DatabaseUrl } from './database-url';
import { PluginStateRepository } from './plugin-state.repository';
import { RecordIdRepository } from './record-id.repository';
import { SchemaRepository } from './schema.repository';
import { TransactionContext } from './transaction-context';

export interface PersistenceModuleOptions extends DataSourceFactoryOptions {
  /** A DATABASE_URL string or an already parsed one. */
  databaseUrl: string | DatabaseUrl;
  /** Apply pending migrations while the module initialises; off by default so only `migrate`/`start` change the schema. */
  runMigrations?: boolean;
  /** What to throw when the database cannot be opened (the CLI names the database and leaves with code 1). */
  openFailure?: (error: unknown) => Error;
}

const REPOSITORIES = [
  ApiTokenRepository,
  AuditRepository,
  BrandRepository,
  ConfigRevisionRepository,
  PluginStateRepository,
  RecordIdRepository,
  SchemaRepository,
  TransactionContext,
];

/** Provides the DataSource (injected by its class) and the repositories to the whole application. */
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      // The repositories stamp rows with the injected Clock.
      imports: [ClockModule],
      providers: [
        {
          provide: DataSource,
          useFactory: async (): Promise<DataSource> => {
            const { databaseUrl, runMigrations: migrate = false, openFailure, ...factoryOptions } = options;
            let dataSource: DataSource;
            try {
              dataSource = await openDataSource(databaseUrl, factoryOptions);
            } catch (error) {
              throw openFailure ? openFailure(error) : error;
            }
            if (migrate) {
              try {
                await runMigrations(dataSource);
              } catch (error) {
                await dataSource.destroy();
                throw error;
              }
            }
            return dataSource;
          },
        },
        ...REPOSITORIES,
      ],
      exports: [DataSource, ...REPOSITORIES],
    };
  }

  /** Last shutdown phase, so other modules' onModuleDestroy hooks can still write. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) {
      await this.dataSource.destroy();
    }
  }
}
