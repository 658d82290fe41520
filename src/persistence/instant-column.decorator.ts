import { Column, type ValueTransformer } from 'typeorm';

/**
 * Instants are stored as fixed-width ISO-8601 UTC text (`2026-03-29T01:30:00.000Z`), the same bytes on
 * SQLite and Postgres. TypeORM has no timestamp type common to both drivers (SQLite `datetime` is unknown
 * to Postgres; Postgres' default `timestamp` has no zone and node-postgres reads it in the process's local
 * zone), so a native column would make the stored instant depend on the dialect or the host's TZ.
 * Fixed width keeps text order equal to time order, so range queries and indexes behave.
 *
 * Find options (`LessThanOrEqual(date)`) go through the transformer; raw SQL must bind `toDbInstant(date)`.
 */
export function InstantColumn(options: { nullable?: boolean } = {}): PropertyDecorator {
  return Column({
    type: 'varchar',
    length: 24,
    nullable: options.nullable ?? false,
    transformer: instantTransformer,
  });
}

const CANONICAL_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function toDbInstant(date: Date): string {
  const text = date.toISOString();
  if (!CANONICAL_INSTANT.test(text)) {
    throw new RangeError(`instant ${text} is outside the years 0000-9999 that the database columns hold`);
  }
  return text;
}

export const instantTransformer: ValueTransformer = {
  to(value: unknown): unknown {
    if (value instanceof Date) {
      return toDbInstant(value);
    }
    // TypeORM transforms a FindOperator's value in place, so a reused operator arrives already converted.
    if (
      value === null ||
      value === undefined ||
      (typeof value === 'string' && CANONICAL_INSTANT.test(value))
    ) {
      return value;
    }
    throw new TypeError(`expected a Date for an instant column, got ${JSON.stringify(value)}`);
  },
  from(value: unknown): Date | null {
    return typeof value === 'string' ? new Date(value) : null;
  },
};
