import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import { ConfigService } from '../config/config.service';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportRenderService } from './report-render.service';
import { ReportRepository } from './report.repository';

const CHECK_EVERY_MS = 5 * 60_000;
/** A render that started this long ago and never finished is taken to have died with its worker. */
const STALE_RENDER_MS = 30 * 60_000;

/**
 * Renders and delivers each brand's monthly report when its `reports.schedule` (cron, brand time zone;
 * default 07:00 on the 2nd) has passed: the report of the month before that moment. Runs in workers, where
 * Chromium lives; the report row keeps several workers from rendering or delivering the same month twice.
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
        if (existing && (existing.status === 'rendered' || existing.status === 'delivered' || busy)) {
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
    } finally {
      this.running = false;
    }
  }
}
