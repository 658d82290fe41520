import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runMigrations } from './data-source.factory';

/** The database schema's migrations: which are applied, and applying the pending ones. */
@Injectable()
export class SchemaRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Applies pending migrations in one transaction; the names of those it applied. */
  migrate(): Promise<string[]> {
    return runMigrations(this.dataSource);
  }

  /** Names of the applied migrations, oldest first. */
  async applied(): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ name: string }>>(
      'SELECT name FROM migrations ORDER BY id',
    );
    return rows.map((row) => row.name);
  }
}
