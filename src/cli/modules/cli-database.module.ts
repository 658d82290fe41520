import { Module, type DynamicModule } from '@nestjs/common';
import { EventsModule } from '../../events/events.module';
import { maskPassword, parseDatabaseUrl, type DatabaseUrl } from '../../persistence/database-url';
import { PersistenceModule } from '../../persistence/persistence.module';
import { CliError, EXIT_INVALID_INPUT } from '../exit-codes';

/**
 * The database every CLI command works on: DATABASE_URL (default `sqlite:data/metronome.db`), migrated as
 * it opens, with the repositories and the event bus. Nothing in it starts a timer, a queue or a server.
 * Events a command causes reach only subscribers its own context brings (none unless it imports RulesModule).
 */
@Module({})
export class CliDatabaseModule {
  static forRoot(): DynamicModule {
    const url = databaseUrlOrExit();
    return {
      module: CliDatabaseModule,
      imports: [
        PersistenceModule.forRoot({
          databaseUrl: url,
          runMigrations: true,
          openFailure: (error) =>
            new CliError(
              `cannot open the database ${url.dialect === 'sqlite' ? url.path : maskPassword(url.url)}: ${(error as Error).message}`,
            ),
        }),
        EventsModule,
      ],
    };
  }
}

function databaseUrlOrExit(): DatabaseUrl {
  try {
    return parseDatabaseUrl(process.env.DATABASE_URL);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_INVALID_INPUT);
  }
}
