import { formatBrandTime } from '../notifications/brand-time.format';
import type { RecordIdRepository, RecordTable } from '../persistence/record-id.repository';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';

/**
 * What every list and message of the CLI shares: a table with a header row, ids shortened like git's
 * (and accepted back as a unique prefix), and times in the brand's zone with its abbreviation.
 */

/** "2026-12-04 09:15 GMT": how people read a time, in the brand's zone. */
export function formatLocal(at: string | Date | null | undefined, zone: string): string {
  return at ? formatBrandTime(at, zone) : '—';
}

export interface TableRow {
  cells: string[];
  /** Lines printed under the row, indented (reasons, quoted text). */
  notes?: string[];
}

/**
 * Columns padded to their widest cell under a header row; the last column is not padded, so put free text
 * (titles) there. Notes go under their row, indented by four spaces.
 */
export function table(headers: string[], rows: TableRow[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row.cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    ...rows.flatMap((row) => [line(row.cells), ...(row.notes ?? []).map((note) => `    ${note}`)]),
  ]
    .map((text) => `${text}\n`)
    .join('');
}

/** Ids are shown this long at least, longer where two ids share the first characters (as git does). */
export const SHORT_ID_LENGTH = 8;

/**
 * The shortest prefix of each id, at least SHORT_ID_LENGTH characters, that no other id of `all` shares.
 * Time-ordered ids made in the same second share their first characters, so some need more.
 */
export function shortIds(ids: readonly string[], all: readonly string[] = ids): Map<string, string> {
  const sorted = [...new Set(all)].sort();
  const result = new Map<string, string>();
  for (const id of ids) {
    const index = sorted.indexOf(id);
    const neighbours = [sorted[index - 1], sorted[index + 1]].filter((n): n is string => n !== undefined);
    const shared = Math.max(0, ...neighbours.map((other) => commonPrefixLength(id, other)));
    result.set(id, id.slice(0, Math.max(SHORT_ID_LENGTH, shared + 1)));
  }
  return result;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) {
    i++;
  }
  return i;
}

const MIN_PREFIX = 4;

/**
 * The full id that `given` starts, in `table`: the whole id or a unique prefix of it. An ambiguous prefix is
 * an error that lists the candidates with their labels (e.g. their titles).
 */
export async function resolveId(
  ids: RecordIdRepository,
  table: RecordTable,
  given: string,
  what: string,
): Promise<string> {
  const prefix = given.trim().toLowerCase();
  if (!/^[0-9a-f-]+$/.test(prefix) || prefix.length < MIN_PREFIX) {
    throw new CliError(
      `"${given}" is not a ${what} id: give the id or at least its first ${MIN_PREFIX} characters as the list shows them`,
      EXIT_INVALID_INPUT,
    );
  }
  const rows = await ids.startingWith(table, prefix, 11);
  if (rows.length === 1) {
    return rows[0];
  }
  if (rows.length === 0) {
    throw new CliError(`no ${what} id starts with "${given}"`, EXIT_INVALID_INPUT);
  }
  const candidates = await Promise.all(
    rows.slice(0, 10).map(async (id) => {
      const label = await ids.label(table, id);
      return `  ${id}${label ? `  ${label}` : ''}`;
    }),
  );
  throw new CliError(
    `"${given}" could be ${rows.length > 10 ? 'more than 10' : rows.length} ${what}s; give more characters:\n${candidates.join('\n')}`,
    EXIT_INVALID_INPUT,
  );
}

/** "1 post", "2 posts", "0 rule firings": a count with the noun in the right number. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
