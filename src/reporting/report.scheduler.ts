import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import { readFile } from 'node:fs/promises';
import { ConfigService } from '../config/config.service';
import type { ReportEntity } from '../persistence/entities/report.entity';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportRenderService } from './report-render.service';
import { ReportRepository } from './report.repository';

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

  constructor(
    private readonly config: ConfigService,
    private readonly reports: ReportRepository,
    private readonly renderer: ReportRenderService,
    private readonly delivery: ReportDeliveryService,
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
  static dueMonth(schedule: string, zone: string, now: Date): string {
    const last = CronExpressionParser.parse(schedule, { tz: zone, currentDate: now }).prev().toDate();
    return DateTime.fromJSDate(last, { zone }).minus({ months: 1 }).toFormat('yyyy-LL');
  }

  async tick(now = new Date()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      for (const [brandId, brand] of Object.entries(this.config.loaded.config.brands)) {
        if (!brand.reports) {
          continue;
        }
        const month = ReportScheduler.dueMonth(brand.reports.schedule, brand.timezone, now);
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
          continue;
        }
        const report = await this.renderer.render(brandId, month);
        const outcome = await this.delivery.deliver(brandId, month, report, now);
        this.logger.log(
          `report ${brandId} ${month}: ${Array.isArray(outcome) ? outcome.map((o) => `${o.target} ${o.status}`).join(', ') || 'stored' : outcome}`,
        );
      }
    } catch (error) {
      this.logger.error(`report run failed: ${(error as Error).message}`);
    }
    try {
      await this.renderRequested();
      await this.retryDeliveries(now);
    } catch (error) {
      this.logger.error(`report run failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
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
