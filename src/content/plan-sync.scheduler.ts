import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { formatConfigIssue } from '../config/config-issue';
import { ConfigSyncService } from '../config/config-sync.service';
import { ConfigService } from '../config/config.service';
import { PlanSyncService } from './plan-sync.service';
import { logRoundFailure } from '../app/dependency-outage.log';

/**
 * The scheduler role re-reads the content folders every minute and right after a config reload, so a
 * `git pull` on the server is all it takes to plan. Runs are serialized; a slow run is not overlapped.
 */
@Injectable()
export class PlanSyncScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('PlanSync');
  private running?: Promise<void>;
  /** Problems logged by the last run: a file that stays broken is logged once, not every minute. */
  private logged = new Set<string>();

  constructor(
    private readonly config: ConfigService,
    private readonly planSync: PlanSyncService,
    private readonly configSync: ConfigSyncService,
    private readonly lease: ClusterLease,
  ) {}

  onApplicationBootstrap(): void {
    this.config.onReload(() => this.tick());
    void this.tick();
  }

  @Interval('plan-sync', 60_000)
  async tick(): Promise<void> {
    if (this.running) {
      return this.running;
    }
    // Once per cluster: the replica holding the lease syncs, the others skip (TTL spans two missed ticks).
    this.running = this.lease
      .runExclusive('plan-sync', () => this.run(), { ttlMs: 150_000 })
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`plan sync lease: ${(error as Error).message}`),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      await this.configSync.whenSynced();
      const seen = new Set<string>();
      for (const report of await this.planSync.syncAll(this.config.loaded)) {
        const changed = report.created.length + report.updated.length + report.cancelled.length;
        if (changed > 0) {
          this.logger.log(
            `${report.brand}: ${report.created.length} new, ${report.updated.length} updated, ${report.cancelled.length} cancelled`,
          );
        }
        for (const issue of report.issues) {
          const line = formatConfigIssue(issue);
          seen.add(line);
          if (!this.logged.has(line)) {
            this.logger.warn(`${line} (logged once; fix the file and the next sync picks it up)`);
          }
        }
      }
      this.logged = seen;
    } catch (error) {
      logRoundFailure(this.logger, 'plan sync', error);
    }
  }
}
