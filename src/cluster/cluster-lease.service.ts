import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Clock } from '../clock/clock';
import { ClusterLeaseRepository } from './cluster-lease.repository';

export interface LeaseOptions {
  /**
   * How long the lease outlives its last renewal. A holder renews on every run (and every third of this
   * while a run is in progress), so it must exceed the interval between runs or the lease changes hands.
   */
  ttlMs: number;
}

export type ExclusiveRun<T> = { ran: true; value: T } | { ran: false; holder: string | undefined };

/** In the application, held leases are renewed this often… */
const HEARTBEAT_EVERY_MS = 5_000;
/** …for this long: a holder that dies loses its leases within this time, however long their runs' TTL. */
const HEARTBEAT_TTL_MS = 20_000;

/**
 * Cluster-wide periodic work fires once per cluster: whoever holds the named lease row runs it, the other
 * replicas skip. A holder keeps its lease by running (each run renews it) and, in the application, by a
 * heartbeat every 5 s that extends every lease it holds by 20 s; a holder that dies stops renewing and, once
 * the lease has expired (within 20 s with the heartbeat, else the run's TTL), the next replica to try takes
 * it over. Leases are released on shutdown so a rolling restart hands over at once. Works on SQLite and
 * Postgres (one conditional UPDATE).
 */
@Injectable()
export class ClusterLease implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ClusterLease');
  /** This process, as recorded in the lease rows: readable in the database, unique per instance. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Leases this process holds, with the TTL their runs asked for (the heartbeat never grants more). */
  private readonly held = new Map<string, number>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly leases: ClusterLeaseRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Takes or renews the lease `name` for `ttlMs`. True when this process holds it afterwards: it was free,
   * expired, or already ours. Safe to race: the UPDATE's condition lets exactly one contender win.
   */
  async acquire(name: string, options: LeaseOptions): Promise<boolean> {
    const now = this.clock.now();
    const won = await this.leases.take(name, this.holder, new Date(now.getTime() + options.ttlMs), now);
    if (won) {
      this.held.set(name, Math.min(options.ttlMs, this.held.get(name) ?? Infinity));
    } else {
      this.held.delete(name);
    }
    return won;
  }

  /** Gives the lease up so another replica can take it at once. Only the holder can release. */
  async release(name: string): Promise<void> {
    await this.leases.release(name, this.holder);
    this.held.delete(name);
  }

  /** Who holds `name` now (undefined when nobody does), for logs and `/health`-style questions. */
  holderOf(name: string): Promise<string | undefined> {
    return this.leases.holderAt(name, this.clock.now());
  }

  /**
   * Runs `work` only if this process holds (or can take) the lease `name`; otherwise does nothing and says
   * who holds it. While `work` runs the lease is renewed every third of its TTL, so a long run keeps it.
   */
  async runExclusive<T>(
    name: string,
    work: () => Promise<T>,
    options: LeaseOptions,
  ): Promise<ExclusiveRun<T>> {
    if (!(await this.acquire(name, options))) {
      return { ran: false, holder: await this.holderOf(name) };
    }
    const renewal = setInterval(
      () => {
        this.acquire(name, { ttlMs: options.ttlMs }).catch((error: unknown) =>
          this.logger.warn(`could not renew lease ${name}: ${(error as Error).message}`),
        );
      },
      Math.max(1000, options.ttlMs / 3),
    );
    renewal.unref();
    try {
      return { ran: true, value: await work() };
    } finally {
      clearInterval(renewal);
    }
  }

  /** Keeps the leases this process holds alive between their runs (see HEARTBEAT_TTL_MS). */
  onApplicationBootstrap(): void {
    this.startHeartbeat();
  }

  startHeartbeat(everyMs = HEARTBEAT_EVERY_MS, ttlMs = HEARTBEAT_TTL_MS): void {
    this.heartbeat ??= setInterval(() => {
      for (const [name, ownTtlMs] of [...this.held]) {
        // Renews only while still ours; a lease someone else took meanwhile is dropped from `held`.
        this.acquire(name, { ttlMs: Math.min(ttlMs, ownTtlMs) }).catch((error: unknown) =>
          this.logger.warn(`could not renew lease ${name}: ${(error as Error).message}`),
        );
      }
    }, everyMs);
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Before the database closes: hand every lease over so the next replica need not wait for expiry. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopHeartbeat();
    for (const name of [...this.held.keys()]) {
      await this.release(name).catch((error: unknown) =>
        this.logger.warn(`could not release lease ${name}: ${(error as Error).message}`),
      );
    }
  }
}
