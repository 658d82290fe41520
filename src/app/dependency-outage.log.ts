import { Logger } from '@nestjs/common';
import { RETRYABLE_NETWORK_ERROR_CODES } from '../plugin-sdk';

/** Where outage lines go: a Nest logger in the application, anything with warn/log in a test. */
export interface OutageLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * One line when a dependency (the database, Redis) goes down, with the cause, and one when it comes back, with
 * how long it was gone; nothing in between, however many rounds fail meanwhile. Everything in the process
 * reports to the same instance (`dependencyOutages`), so a publish loop and six schedulers failing on the same
 * database outage still make two lines.
 */
export class DependencyOutages {
  private readonly since = new Map<string, number>();

  constructor(
    private readonly logger: OutageLogger = new Logger('Dependencies'),
    /** Milliseconds on a monotonic clock (performance.now), replaced in tests. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** `name` failed: logs "database is down: <cause>" unless this outage was already reported. */
  down(name: string, error: unknown): void {
    if (this.since.has(name)) {
      return;
    }
    this.since.set(name, this.now());
    this.logger.warn(
      `${name} is down: ${causeOf(error)} (work that needs it is retried quietly; a line follows when it is back)`,
    );
  }

  /** `name` answered: logs "database is back after 12.3 s" if it was down. */
  up(name: string): void {
    const since = this.since.get(name);
    if (since === undefined) {
      return;
    }
    this.since.delete(name);
    this.logger.log(`${name} is back after ${((this.now() - since) / 1000).toFixed(1)} s`);
  }

  isDown(name: string): boolean {
    return this.since.has(name);
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || error.name;
    return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}

/** The process's outage log. */
export const dependencyOutages = new DependencyOutages();

export const DATABASE = 'database';
export const REDIS = 'redis';

/**
 * Errors that say the database cannot be reached or used right now, not that a statement was wrong: connection
 * refused or cut (Postgres' admin shutdown, "cannot connect now", the 08 class), and SQLite's busy, locked, I/O
 * and cannot-open errors.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const fields = error as { code?: unknown; driverError?: { code?: unknown } };
  const raw = fields.code ?? fields.driverError?.code;
  const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  if (RETRYABLE_NETWORK_ERROR_CODES.has(code) || /^(57P0[1-3]|08\w{3}|53300)$/.test(code)) {
    return true;
  }
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|READONLY|FULL|NOTADB)/.test(code)) {
    return true;
  }
  return /Connection terminated|terminating connection|Client has encountered a connection error|database system is (starting up|shutting down)|is not currently accepting connections|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

/**
 * A periodic round (publish claims, a scheduler tick) failed: an unreachable database is one line for the whole
 * outage; anything else is logged as `<what> failed: <message>` as before.
 */
export function logRoundFailure(
  logger: { error(message: string): void },
  what: string,
  error: unknown,
  outages: DependencyOutages = dependencyOutages,
): void {
  const marked = dependencyOf(error);
  if (marked) {
    outages.down(marked, error);
  } else if (isDatabaseUnavailable(error)) {
    outages.down(DATABASE, error);
  } else {
    logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A round that used the database succeeded: ends a database outage (one line with its duration). */
export function databaseAnswered(outages: DependencyOutages = dependencyOutages): void {
  outages.up(DATABASE);
}

const DEPENDENCY = Symbol('dependency');

/**
 * Runs a call to `name` (Redis, say): a failure is reported as an outage of `name` and rethrown marked, so whoever
 * catches it further up (a publish lane) does not log it again; an answer ends the outage.
 */
export async function callingDependency<T>(
  name: string,
  call: () => Promise<T>,
  outages: DependencyOutages = dependencyOutages,
): Promise<T> {
  let value: T;
  try {
    value = await call();
  } catch (error) {
    outages.down(name, error);
    if (typeof error === 'object' && error !== null) {
      Object.defineProperty(error, DEPENDENCY, { value: name });
    }
    throw error;
  }
  outages.up(name);
  return value;
}

/** The dependency a failure was already reported for (see callingDependency). */
export function dependencyOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null
    ? ((error as Record<symbol, string | undefined>)[DEPENDENCY] ?? undefined)
    : undefined;
}
