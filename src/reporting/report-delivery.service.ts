import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { NOTIFICATION_SENDER, type NotificationSender } from '../escalations/notification-sender';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import type { RenderedReport } from './report-render.service';

export interface DeliveryOutcome {
  target: string;
  status: 'sent' | 'failed';
  error?: string;
}

/**
 * Sends a rendered report where the brand's `reports.delivery` says: e-mail with the PDF attached (through
 * an e-mail notifier), a signed webhook POST of the PDF, or a copy into a folder. Delivery is claimed on the
 * report row first (rendered → delivered), so two workers never send the same report twice.
 */
@Injectable()
export class ReportDeliveryService {
  private readonly logger = new Logger('ReportDelivery');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
  ) {}

  async deliver(
    brandId: string,
    month: string,
    report: RenderedReport,
    now = new Date(),
  ): Promise<DeliveryOutcome[] | 'already-delivered'> {
    const { config, baseDir } = this.config.loaded;
    const brand = config.brands[brandId];
    const p = placeholders(this.dataSource.manager);
    const claimed = await executeCounting(
      this.dataSource.manager,
      `UPDATE "reports" SET "status" = 'delivered', "delivered_at" = ${p(1)} WHERE "id" = ${p(2)} AND "status" = 'rendered'`,
      [toDbInstant(now), report.reportId],
    );
    if (claimed !== 1) {
      return 'already-delivered';
    }
    const filename = `${brandId}-${month}.pdf`;
    const outcomes: DeliveryOutcome[] = [];
    for (const delivery of brand?.reports?.delivery ?? []) {
      try {
        if ('email' in delivery) {
          const result = await this.sender.send(delivery.email.notifier, {
            id: `report:${report.reportId}:${delivery.email.notifier}`,
            to: delivery.email.to,
            subject: `${brand.name}: social media report for ${month}`,
            text: `Attached: the ${month} report for ${brand.name} — what worked, what stalled and what to change next month.`,
            severity: 'info',
            links: [],
            attachments: [{ filename, contentType: 'application/pdf', content: report.pdf }],
          });
          outcomes.push({
            target: `email:${delivery.email.notifier}`,
            status: result.status,
            error: result.error,
          });
        } else if ('folder' in delivery) {
          const folder = resolve(baseDir, delivery.folder.path);
          mkdirSync(folder, { recursive: true });
          copyFileSync(report.filePath, join(folder, filename));
          outcomes.push({ target: `folder:${delivery.folder.path}`, status: 'sent' });
        } else {
          await this.post(delivery.webhook.url, delivery.webhook.secret, report, filename);
          outcomes.push({ target: `webhook:${new URL(delivery.webhook.url).host}`, status: 'sent' });
        }
      } catch (error) {
        outcomes.push({
          target: Object.keys(delivery)[0],
          status: 'failed',
          error: (error as Error).message,
        });
      }
    }
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    if (failed.length > 0) {
      const error = failed.map((f) => `${f.target}: ${f.error ?? 'failed'}`).join('; ');
      await this.dataSource.manager.query(`UPDATE "reports" SET "error" = ${p(1)} WHERE "id" = ${p(2)}`, [
        error.slice(0, 2000),
        report.reportId,
      ]);
      this.logger.warn(`report ${brandId} ${month}: ${error}`);
    }
    return outcomes;
  }

  /** The PDF as the body; `X-Metronome-Signature: t=<unix>,v1=<HMAC-SHA256 of "t." + body>` when a secret is set. */
  private async post(
    url: string,
    secret: string | undefined,
    report: RenderedReport,
    filename: string,
  ): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
    };
    if (secret) {
      const t = Math.floor(Date.now() / 1000);
      headers['x-metronome-signature'] =
        `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(report.pdf).digest('hex')}`;
    }
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: report.pdf,
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      throw new Error(`${new URL(url).host} answered ${response.status}`);
    }
  }
}
