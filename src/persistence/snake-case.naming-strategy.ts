import { DefaultNamingStrategy, type Table } from 'typeorm';

/**
 * snake_case columns and readable constraint names, so the hand-written migrations can spell every
 * name TypeORM expects (the default strategy derives opaque hashes).
 */
export class SnakeCaseNamingStrategy extends DefaultNamingStrategy {
  override columnName(
    propertyName: string,
    customName: string | undefined,
    embeddedPrefixes: string[],
  ): string {
    return customName ?? snakeCase([...embeddedPrefixes, propertyName].join('_'));
  }

  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return snakeCase(`${relationName}_${referencedColumnName}`);
  }

  override primaryKeyName(tableOrName: Table | string): string {
    return `pk_${bareTableName(tableOrName)}`;
  }

  override foreignKeyName(tableOrName: Table | string, columnNames: string[]): string {
    return `fk_${bareTableName(tableOrName)}_${columnNames.join('_')}`;
  }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Postgres passes "schema.table" when a schema is configured; constraint names must not depend on it. */
function bareTableName(tableOrName: Table | string): string {
  const name = typeof tableOrName === 'string' ? tableOrName : tableOrName.name;
  return name.slice(name.lastIndexOf('.') + 1);
}
