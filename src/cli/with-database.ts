import { DataSource } from 'typeorm';
import { openDataSource, runMigrations } from '../persistence/data-source.factory';
import { maskPassword, parseDatabaseUrl } from '../persistence/database-url';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';

/**
 * Opens the database named by DATABASE_URL, brings its schema up to date, runs `work`, and closes it.
 * Only `channels` still uses it; every other command boots its role module (src/cli/modules) through
 * inCliContext, which gives the same errors. Delete this once channels.command.ts moves over.
 */
export async function withDatabase<T>(work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  let url: ReturnType<typeof parseDatabaseUrl>;
  try {
    url = parseDatabaseUrl(process.env.DATABASE_URL);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_INVALID_INPUT);
  }
  let dataSource: DataSource;
  try {
    dataSource = await openDataSource(url);
  } catch (error) {
    const where = url.dialect === 'sqlite' ? url.path : maskPassword(url.url);
    throw new CliError(`cannot open the database ${where}: ${(error as Error).message}`);
  }
  try {
    await runMigrations(dataSource);
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
