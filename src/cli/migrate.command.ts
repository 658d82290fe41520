import { Command } from 'commander';
import { runMigrations } from '../persistence/data-source.factory';
import { configOption } from './config-path.option';
import { DataSource } from 'typeorm';
import { inCliContext } from './cli-context';
import { RecordsCliModule } from './modules/records-cli.module';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (DATABASE_URL); `start` also does this')
    .addOption(configOption())
    .action(async () => {
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const dataSource = app.get(DataSource);
        // The context already migrated as it opened the database; a second run reports what is left, which must be nothing.
        const pending = await runMigrations(dataSource);
        const applied = await dataSource.query<Array<{ name: string }>>(
          'SELECT name FROM migrations ORDER BY id',
        );
        process.stdout.write(
          `database schema is up to date (${applied.length} migration${applied.length === 1 ? '' : 's'} applied: ${applied.map((m) => m.name).join(', ')})\n`,
        );
        if (pending.length > 0) {
          process.stdout.write(`applied now: ${pending.join(', ')}\n`);
        }
      });
    });
}
