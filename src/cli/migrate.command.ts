import { Command } from 'commander';
import { SchemaRepository } from '../persistence/schema.repository';
import { inCliContext } from './cli-context';
import { configOption } from './config-path.option';
import { RecordsCliModule } from './modules/records-cli.module';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (DATABASE_URL); `start` also does this')
    .addOption(configOption())
    .action(async () => {
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const schema = app.get(SchemaRepository);
        // The context already migrated as it opened the database; a second run reports what is left, which must be nothing.
        const pending = await schema.migrate();
        const applied = await schema.applied();
        process.stdout.write(
          `database schema is up to date (${applied.length} migration${applied.length === 1 ? '' : 's'} applied: ${applied.join(', ')})\n`,
        );
        if (pending.length > 0) {
          process.stdout.write(`applied now: ${pending.join(', ')}\n`);
        }
      });
    });
}
