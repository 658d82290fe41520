import { DEFAULT_MIN_FREE_BYTES } from '../http/storage-health';
import { DEFAULT_DATABASE_URL } from '../persistence/database-url';
import { InvalidError } from '../errors/domain.error';

export const ROLES = ['all', 'api', 'scheduler', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** Process settings from the environment (twelve-factor), overridable by CLI flags. */
export interface RuntimeOptions {
  role: Role;
  port: number;
  host: string;
  databaseUrl: string;
  /** Unset = the inline queue (jobs are rows in the database). */
  redisUrl?: string;
  /** Redis keys start with this (Bull queues, rate budgets, channel slots): deployments sharing a Redis differ here. */
  redisPrefix: string;
  configPath: string;
  logLevel: string;
  /** /health reports a data folder with less free space than this as full (METRONOME_MIN_FREE_DISK_MB). */
  minFreeDiskBytes: number;
  /** SIGTERM to exit, at most (METRONOME_SHUTDOWN_TIMEOUT in seconds, default 20: below Docker's 30 s grace). */
  shutdownTimeoutMs: number;
}

export class RuntimeOptionsError extends InvalidError {}

export function runtimeOptions(
  env: NodeJS.ProcessEnv,
  flags: { role?: string; config?: string; port?: string } = {},
): RuntimeOptions {
  const role = flags.role ?? 'all';
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new RuntimeOptionsError(`--role ${role}: must be one of ${ROLES.join(', ')}`);
  }
  const portText = flags.port ?? env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RuntimeOptionsError(`PORT=${portText}: must be a whole number from 0 to 65535`);
  }
  return {
    role: role as Role,
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.METRONOME_REDIS_PREFIX || 'metronome',
    configPath: flags.config ?? env.METRONOME_CONFIG ?? 'config/metronome.yaml',
    logLevel: env.LOG_LEVEL ?? 'info',
    minFreeDiskBytes: minFreeDiskBytes(env.METRONOME_MIN_FREE_DISK_MB),
    shutdownTimeoutMs: shutdownTimeoutMs(env.METRONOME_SHUTDOWN_TIMEOUT),
  };
}

function minFreeDiskBytes(text: string | undefined): number {
  if (text === undefined || text === '') {
    return DEFAULT_MIN_FREE_BYTES;
  }
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb < 0) {
    throw new RuntimeOptionsError(
      `METRONOME_MIN_FREE_DISK_MB=${text}: must be a number of megabytes, e.g. 100`,
    );
  }
  return Math.round(mb * 1024 * 1024);
}

function shutdownTimeoutMs(text: string | undefined): number {
  if (text === undefined || text === '') {
    return 20_000;
  }
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new RuntimeOptionsError(
      `METRONOME_SHUTDOWN_TIMEOUT=${text}: must be a number of seconds of at least 1, e.g. 20`,
    );
  }
  return Math.round(seconds * 1000);
}

export function roleRuns(role: Role, part: Exclude<Role, 'all'>): boolean {
  return role === 'all' || role === part;
}
