import { Inject, Injectable, Logger } from '@nestjs/common';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { ownerOnlyPolicy } from '../escalations/escalation-policy.snapshot';
import { IncidentService } from '../escalations/incident.service';
import { NOTIFICATION_SENDER, type NotificationSender } from '../escalations/notification-sender';
import type { ReportEntity } from './report.entity';
import { DELIVERY_CLAIM_MS, DELIVERY_MAX_ATTEMPTS, nextDeliveryAt } from './delivery-retry.policy';
import { webhookMessageId } from '../plugin-sdk/webhook-secret';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import type { RenderedReport } from './report-render.service';
import { ReportRepository } from './report.repository';

export interface DeliveryOutcome {
  target: string;
  status: 'sent' | 'failed' | 'sent before';
  error?: string;
}

export type DeliverableReport = Pick<RenderedReport, 'reportId' | 'filePath' | 'pdf'>;

/** Incidents about a report that could not be delivered; resolved when a later delivery succeeds. */
export const REPORT_DELIVERY_RULE = 'guard:report-delivery';

type Delivery = NonNullable<BrandConfig['reports']>['delivery'][number];

/**
 * Sends a rendered report where the brand's `reports.delivery` says: e-mail with the PDF attached (through
 * an e-mail notifier), a signed webhook POST of the PDF, or a copy into a folder. Delivery is claimed on the
 * report row first (rendered → delivering), so two workers never send the same report at once. A target
 * that fails is retried with backoff (see delivery-retry.policy.ts) by the report scheduler, without
 * re-sending the targets that succeeded; after the last attempt the report is `failed` with the reason and
 * an incident goes to the brand owner.
 */
@Injectable()
export class ReportDeliveryService {
  private readonly logger = new Logger('ReportDelivery');

  constructor(
    private readonly reports: ReportRepository,
    private readonly config: ConfigService,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    private readonly incidents: IncidentService,
    private readonly clock: Clock,
    private readonly webhooks: WebhookTargets,
  ) {}

  async deliver(
    brandId: string,
    month: string,
    report: DeliverableReport,
    now = this.clock.now(),
  ): Promise<DeliveryOutcome[] | 'already-delivered'> {
    const { config } = this.config.loaded;
    const brand = config.brands[brandId];
    const row = await this.claim(report.reportId, now);
    if (!row) {
      return 'already-delivered';
    }
    const filename = `${brandId}-${month}.pdf`;
    const outcomes: DeliveryOutcome[] = [];
    const sent = new Set(row.deliveredTargets);
    for (const [index, delivery] of (brand?.reports?.delivery ?? []).entries()) {
      const target = this.targetOf(delivery);
      const key = `${index}:${target}`;
      if (sent.has(key)) {
        outcomes.push({ target, status: 'sent before' });
        continue;
      }
      try {
        const error = await this.send(delivery, brandId, brand, month, report, filename);
        outcomes.push(error === undefined ? { target, status: 'sent' } : { target, status: 'failed', error });
      } catch (error) {
        outcomes.push({ target, status: 'failed', error: (error as Error).message });
      }
      if (outcomes.at(-1)?.status === 'sent') {
        sent.add(key);
      }
    }
    await this.settle(row, brandId, month, brand, outcomes, [...sent], now);
    return outcomes;
  }

  /** Reports whose retry is due (or whose delivering worker died), oldest first. */
  dueRetries(now: Date): Promise<ReportEntity[]> {
    return this.reports.dueDeliveries(now);
  }

  /** rendered (first delivery or a due retry) or a delivering claim that expired → delivering. */
  private claim(reportId: string, now: Date): Promise<ReportEntity | null> {
    return this.reports.claimDelivery(reportId, now, new Date(now.getTime() + DELIVERY_CLAIM_MS));
  }

  private async settle(
    row: ReportEntity,
    brandId: string,
    month: string,
    brand: BrandConfig | undefined,
    outcomes: DeliveryOutcome[],
    deliveredTargets: string[],
    now: Date,
  ): Promise<void> {
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    if (failed.length === 0) {
      await this.reports.markDelivered(row.id, now, deliveredTargets);
      await this.incidents.resolveCleared(REPORT_DELIVERY_RULE, `report:${row.id}`, now);
      return;
    }
    const reason = failed.map((f) => `${f.target}: ${f.error ?? 'failed'}`).join('; ');
    const next = nextDeliveryAt(row.deliveryAttempts, now);
    if (next) {
      await this.reports.retryDeliveryAt(row.id, next, reason, deliveredTargets);
      this.logger.warn(
        `report ${brandId} ${month}: delivery attempt ${row.deliveryAttempts}/${DELIVERY_MAX_ATTEMPTS} failed (${reason}); next at ${next.toISOString()}`,
      );
      return;
    }
    const error = `not delivered after ${row.deliveryAttempts} attempts: ${reason}`;
    await this.reports.markDeliveryFailed(row.id, error, deliveredTargets);
    this.logger.error(`report ${brandId} ${month}: ${error}`);
    if (brand) {
      await this.incidents.open({
        brandId,
        rule: REPORT_DELIVERY_RULE,
        subjectKey: `report:${row.id}`,
        title: `The ${month} report of ${brand.name} could not be delivered`,
        severity: 'warning',
        details: {
          report: row.id,
          month,
          attempts: row.deliveryAttempts,
          error: reason,
          fix: 'fix the delivery target, then run `metronome report --brand <id> --month <month> --deliver`',
        },
        policy: ownerOnlyPolicy(brand.owner),
        at: now,
      });
    }
  }

  private targetOf(delivery: Delivery): string {
    if ('email' in delivery) {
      return `email:${delivery.email.notifier}`;
    }
    if ('folder' in delivery) {
      return `folder:${delivery.folder.path}`;
    }
    return `webhook:${new URL(delivery.webhook.url).host}`;
  }

  /** Sends to one target; returns the notifier's error for a failed e-mail, throws for the others. */
  private async send(
    delivery: Delivery,
    brandId: string,
    brand: BrandConfig,
    month: string,
    report: DeliverableReport,
    filename: string,
  ): Promise<string | undefined> {
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
      return result.status === 'sent' ? undefined : (result.error ?? 'not sent');
    }
    if ('folder' in delivery) {
      const folder = resolve(this.config.loaded.baseDir, delivery.folder.path);
      mkdirSync(folder, { recursive: true });
      copyFileSync(report.filePath, join(folder, filename));
      return undefined;
    }
    await this.post(delivery.webhook.url, delivery.webhook.secret, brandId, brand, month, report, filename);
    return undefined;
  }

  /**
   * The PDF in a JSON envelope (base64), signed per Standard Webhooks: the signature covers the exact bytes
   * a receiver verifies, which a binary body run through a text decoder would not guarantee. The id is
   * the same for every attempt at this report and target, so a receiver drops a repeat.
   */
  private async post(
    url: string,
    secret: string,
    brandId: string,
    brand: BrandConfig,
    month: string,
    report: DeliverableReport,
    filename: string,
  ): Promise<void> {
    const id = webhookMessageId(`report:${report.reportId}|${url}`);
    const body = JSON.stringify({
      id,
      type: 'report.delivered',
      brand: { id: brandId, name: brand.name },
      month,
      filename,
      content_type: 'application/pdf',
      size: report.pdf.byteLength,
      content_base64: Buffer.from(report.pdf).toString('base64'),
    });
    const response = await this.webhooks.post(url, {
      body,
      headers: { 'content-type': 'application/json' },
      timeoutMs: 30_000,
      signing: { id, secret },
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`${new URL(url).host} answered ${response.status}`);
    }
  }
}
