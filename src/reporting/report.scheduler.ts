import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DateTime } from 'luxon';
import { readFile } from 'node:fs/promises';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import type { ReportEntity } from './report.entity';
import { BrandRepository } from '../persistence/brand.repository';
import { CronSchedule } from '../scheduling/cron-schedule';
import { startOfLocalMonth } from '../scheduling/local-time';
import { ReportDeliveryService } from './report-delivery.service';
import { nextMonth } from './report-period';
import { ReportRenderService } from './report-render.service';
import { ReportRepository } from './report.repository';
import { logRoundFailure } from '../app/dependency-outage.log';

/** Delivery retries are minutes apart and API render requests wait for this tick: look every minute. */
const CHECK_EVERY_MS = 60_000;
/** A render that started this long ago and never finished is taken to have died with its worker. */
const STALE_RENDER_MS = 30 * 60_000;

/**
 * Renders and delivers each brand's monthly report when its `reports.schedule` (cron, brand time zone;
 * default 07:00 on the 2nd) has passed: the report of the month before that moment. Each tick also renders
 * reports requested through the API (`pending` rows) and retries deliveries that failed once their backoff
 * has passed. Runs in workers, where Chromium lives; the report row keeps several workers from rendering or
 * delivering the same month twice.
 */
@Injectable()
export class ReportScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReportScheduler');
  private timer?: NodeJS.Timeout;
  private running = false;

  /** Per brand: the due month and the stretch of time it stays due, so a tick does not re-walk the cron. */
  private readonly due = new Map<string, { key: string; from: number; until: number; month?: string }>();
  /** Things a person should know about a brand's schedule, each logged once per process. */
  private readonly told = new Set<string>();

  constructor(
    private readonly config: ConfigService,
    private readonly reports: ReportRepository,
    private readonly renderer: ReportRenderService,
    private readonly delivery: ReportDeliveryService,
    private readonly brands: BrandRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
    // A worker that was down when a report fell due catches up soon after it starts.
    setTimeout(() => void this.tick(), 30_000).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The month whose report is due at `now`: the month before the schedule's latest occurrence. */
  static dueMonth(schedule: string, zone: string, now: Date): string | undefined {
    const last = CronSchedule.parse(schedule, zone).previous(now);
    return last && ReportScheduler.monthBefore(last, zone);
  }

  private static monthBefore(at: Date, zone: string): string {
    return DateTime.fromJSDate(at, { zone }).minus({ months: 1 }).toFormat('yyyy-LL');
  }

  /**
   * The first report the schedule sends for a brand first seen at `firstSeen`, and when: the schedule's first
   * occurrence from the start of the following month, whose month before is the month the brand was first seen
   * in (a partial month is still the brand's month here) or, for a schedule that skips months, a later one.
   */
  static firstScheduledReport(
    schedule: string,
    zone: string,
    firstSeen: Date,
  ): { month: string; dueAt: Date } | undefined {
    const seenIn = DateTime.fromJSDate(firstSeen, { zone }).toFormat('yyyy-LL');
    const monthAfter = startOfLocalMonth(nextMonth(seenIn), zone);
    const dueAt = CronSchedule.parse(schedule, zone).next(new Date(monthAfter.getTime() - 1));
    const month = dueAt && ReportScheduler.dueMonth(schedule, zone, dueAt);
    return dueAt && month ? { month, dueAt } : undefined;
  }

  private dueMonthOf(brandId: string, schedule: string, zone: string, now: Date): string | undefined {
    const key = `${schedule}\u0000${zone}`;
    const at = now.getTime();
    const known = this.due.get(brandId);
    if (known?.key === key && at >= known.from && at < known.until) {
      return known.month;
    }
    const cron = CronSchedule.parse(schedule, zone);
    const last = cron.previous(now);
    const next = cron.next(now);
    const month = last && ReportScheduler.monthBefore(last, zone);
    this.due.set(brandId, {
      key,
      from: last?.getTime() ?? Number.NEGATIVE_INFINITY,
      until: next?.getTime() ?? Number.POSITIVE_INFINITY,
      month,
    });
    return month;
  }

  /**
   * Whether the brand was present for any of `month`: a scheduled report never covers a month that ended
   * before this database first saw the brand (a new install, or a new database, would otherwise e-mail clients
   * an empty report of a month it knows nothing about). Logged once per month with the way to send it anyway.
   */
  private async presentFor(brandId: string, month: string, zone: string, schedule: string): Promise<boolean> {
    const firstSeen = await this.brands.firstSeenAt(brandId);
    if (firstSeen && startOfLocalMonth(nextMonth(month), zone) > firstSeen) {
      return true;
    }
    this.tellOnce(`${brandId}\u0000${month}`, () => {
      const first = firstSeen && ReportScheduler.firstScheduledReport(schedule, zone, firstSeen);
      const local = (at: Date) => DateTime.fromJSDate(at, { zone }).toFormat('yyyy-LL-dd HH:mm');
      const when = !firstSeen
        ? 'the brand is not recorded in this database yet'
        : `it was first seen on ${local(firstSeen)} ${zone}` +
          (first ? `; the first scheduled report is ${first.month}'s, due ${local(first.dueAt)}` : '');
      this.logger.log(
        `report ${brandId} ${month} not sent on schedule: the month ended before this Metronome knew the brand (${when}). To send it anyway: metronome report --brand ${brandId} --month ${month} --deliver`,
      );
    });
    return false;
  }

  async tick(now = this.clock.now()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    for (const [brandId, brand] of Object.entries(this.config.loaded.config.brands)) {
      try {
        await this.runSchedule(brandId, brand, now);
      } catch (error) {
        // One brand's failure (a template that is not installed, a render that breaks) must not hold back the
        // brands after it; it is tried again on every tick, and said once while the reason stays the same.
        const reason = (error as Error).message;
        this.tellOnce(`${brandId}\u0000failed\u0000${reason}`, () =>
          this.logger.error(
            `report ${brandId}: scheduled report failed: ${reason} (tried again every minute)`,
          ),
        );
      }
    }
    try {
      await this.renderRequested();
      await this.retryDeliveries(now);
    } catch (error) {
      logRoundFailure(this.logger, 'report run', error);
    } finally {
      this.running = false;
    }
  }

  /** Renders and delivers the brand's due report unless it is done, under way, or before the brand. */
  private async runSchedule(brandId: string, brand: BrandConfig, now: Date): Promise<void> {
    if (!brand.reports) {
      return;
    }
    const month = this.dueMonthOf(brandId, brand.reports.schedule, brand.timezone, now);
    if (!month || !(await this.presentFor(brandId, month, brand.timezone, brand.reports.schedule))) {
      return;
    }
    const existing = await this.reports.find(brandId, month, brand.reports.template);
    const busy =
      existing?.status === 'rendering' && now.getTime() - existing.createdAt.getTime() < STALE_RENDER_MS;
    // A report whose delivery gave up stays failed until someone re-delivers it (it raised an incident).
    const deliveryGaveUp = existing?.status === 'failed' && existing.renderedAt !== null;
    // Rendered ahead of the schedule (a preview from the CLI or the API) but never sent: render and send now.
    const neverSent =
      existing?.status === 'rendered' &&
      existing.deliveredAt === null &&
      existing.deliveryAttempts === 0 &&
      existing.nextDeliveryAt === null;
    const done = ['rendered', 'delivering', 'delivered'].includes(existing?.status ?? '') && !neverSent;
    if (existing && (done || busy || deliveryGaveUp)) {
      return;
    }
    const report = await this.renderer.render(brandId, month);
    const outcome = await this.delivery.deliver(brandId, month, report, now);
    this.logger.log(
      `report ${brandId} ${month}: ${Array.isArray(outcome) ? outcome.map((o) => `${o.target} ${o.status}`).join(', ') || 'stored' : outcome}`,
    );
  }

  private tellOnce(key: string, tell: () => void): void {
    if (!this.told.has(key)) {
      this.told.add(key);
      tell();
    }
  }

  /** Reports requested through POST /api/v1/reports: rendered, not delivered. */
  async renderRequested(): Promise<void> {
    for (const row of await this.reports.pending()) {
      if (!(await this.reports.claimPending(row.id))) {
        continue;
      }
      try {
        await this.renderer.render(row.brandId, row.month);
      } catch (error) {
        // The render service has marked the row failed with the reason.
        this.logger.error(`requested report ${row.brandId} ${row.month}: ${(error as Error).message}`);
      }
    }
  }

  /** Deliveries whose backoff has passed, sent again from the stored PDF. */
  async retryDeliveries(now: Date): Promise<void> {
    for (const row of await this.delivery.dueRetries(now)) {
      try {
        await this.retry(row, now);
      } catch (error) {
        this.logger.error(`report ${row.brandId} ${row.month} delivery retry: ${(error as Error).message}`);
      }
    }
  }

  private async retry(row: ReportEntity, now: Date): Promise<void> {
    if (!row.filePath) {
      return;
    }
    const pdf = await readFile(row.filePath);
    const outcome = await this.delivery.deliver(
      row.brandId,
      row.month,
      { reportId: row.id, filePath: row.filePath, pdf },
      now,
    );
    this.logger.log(
      `report ${row.brandId} ${row.month} delivery attempt ${row.deliveryAttempts + 1}: ${Array.isArray(outcome) ? outcome.map((o) => `${o.target} ${o.status}`).join(', ') : outcome}`,
    );
  }
}
