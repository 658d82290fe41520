import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What /health asks the database: does it answer, and which one is it. */
@Injectable()
export class DatabaseHealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Resolves once the database has answered a trivial query; rejects with the driver's error. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /** "sqlite" or "postgres". */
  get dialect(): string {
    return this.dataSource.options.type;
  }
}
