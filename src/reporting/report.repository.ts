import { Injectable } from '@nestjs/common';
import { DataSource, In, type Repository } from 'typeorm';
import { ReportEntity } from './report.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { isUniqueViolation } from '../persistence/unique-violation';

/** The `reports` rows: one per (brand, month, template), moved through rendering → rendered | failed. */
@Injectable()
export class ReportRepository {
  private readonly reports: Repository<ReportEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.reports = dataSource.getRepository(ReportEntity);
  }

  /** Creates the row, or takes over an existing one for a re-render. */
  async startRendering(brandId: string, month: string, template: string, now: Date): Promise<ReportEntity> {
    const existing = await this.reports.findOneBy({ brandId, month, template });
    if (existing) {
      await this.reports.update({ id: existing.id }, { status: 'rendering', error: null });
      return { ...existing, status: 'rendering', error: null };
    }
    try {
      return await this.reports.save(this.newReport(brandId, month, template, 'rendering', now));
    } catch (error) {
      // Another replica created it between the lookup and the insert: use theirs.
      if (isUniqueViolation(error)) {
        return this.startRendering(brandId, month, template, now);
      }
      throw error;
    }
  }

  /** A fresh render starts a fresh delivery: attempts and already-sent targets are forgotten. */
  async markRendered(id: string, filePath: string, bytes: number, at: Date): Promise<void> {
    await this.reports.update(
      { id },
      {
        status: 'rendered',
        filePath,
        bytes,
        renderedAt: at,
        error: null,
        deliveryAttempts: 0,
        nextDeliveryAt: null,
        deliveredTargets: [],
      },
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.reports.update({ id }, { status: 'failed', error: error.slice(0, 2000) });
  }

  async find(brandId: string, month: string, template: string): Promise<ReportEntity | null> {
    return this.reports.findOneBy({ brandId, month, template });
  }

  async byId(id: string): Promise<ReportEntity | null> {
    return this.reports.findOneBy({ id });
  }

  /** Newest month first. */
  /** `brands` limits the list to those brands (an API token limited to them). */
  async list(filter: {
    brand?: string;
    brands?: readonly string[];
    month?: string;
  }): Promise<ReportEntity[]> {
    if (filter.brand && filter.brands && !filter.brands.includes(filter.brand)) {
      return [];
    }
    return this.reports.find({
      where: {
        ...(filter.brand
          ? { brandId: filter.brand }
          : filter.brands
            ? { brandId: In([...filter.brands]) }
            : {}),
        ...(filter.month ? { month: filter.month } : {}),
      },
      order: { month: 'DESC', brandId: 'ASC' },
      take: 500,
    });
  }

  /**
   * Asks a worker to render (brand, month): the row is created or set to `pending`, and the report
   * scheduler renders pending rows on its next tick. A row already rendering is left alone.
   */
  async requestRender(brandId: string, month: string, template: string, now: Date): Promise<ReportEntity> {
    const existing = await this.reports.findOneBy({ brandId, month, template });
    if (existing) {
      if (existing.status !== 'rendering' && existing.status !== 'pending') {
        await this.reports.update({ id: existing.id, status: existing.status }, { status: 'pending' });
      }
      return (await this.reports.findOneBy({ id: existing.id })) ?? existing;
    }
    try {
      return await this.reports.save(this.newReport(brandId, month, template, 'pending', now));
    } catch (error) {
      if (isUniqueViolation(error)) {
        return this.requestRender(brandId, month, template, now);
      }
      throw error;
    }
  }

  async pending(): Promise<ReportEntity[]> {
    return this.reports.find({ where: { status: 'pending' }, order: { createdAt: 'ASC' } });
  }

  /** pending → rendering for exactly one worker. */
  async claimPending(id: string): Promise<boolean> {
    const result = await this.reports.update({ id, status: 'pending' }, { status: 'rendering' });
    return (result.affected ?? 0) === 1;
  }

  /** Reports whose delivery retry is due (or whose delivering worker died), oldest first. */
  async dueDeliveries(now: Date): Promise<ReportEntity[]> {
    return this.reports
      .createQueryBuilder('r')
      .where(`r.status IN ('rendered', 'delivering')`)
      .andWhere('r.nextDeliveryAt <= :now', { now: toDbInstant(now) })
      .orderBy('r.nextDeliveryAt', 'ASC')
      .getMany();
  }

  /**
   * rendered (first delivery or a due retry) or a delivering claim that expired → delivering, held until
   * `claimUntil` and counted as an attempt; the claimed row, or null when another worker holds it or it is done.
   */
  async claimDelivery(id: string, now: Date, claimUntil: Date): Promise<ReportEntity | null> {
    const manager = this.dataSource.manager;
    const p = placeholders(manager);
    const at = toDbInstant(now);
    const claimed = await executeCounting(
      manager,
      `UPDATE "reports" SET "status" = 'delivering', "delivery_attempts" = "delivery_attempts" + 1, "next_delivery_at" = ${p(1)} ` +
        `WHERE "id" = ${p(2)} AND ((("status" = 'rendered') AND ("next_delivery_at" IS NULL OR "next_delivery_at" <= ${p(3)})) ` +
        `OR ("status" = 'delivering' AND "next_delivery_at" <= ${p(4)}))`,
      [toDbInstant(claimUntil), id, at, at],
    );
    return claimed === 1 ? this.reports.findOneBy({ id }) : null;
  }

  /** Every target has the report. */
  async markDelivered(id: string, at: Date, deliveredTargets: string[]): Promise<void> {
    await this.reports.update(
      { id },
      { status: 'delivered', deliveredAt: at, error: null, nextDeliveryAt: null, deliveredTargets },
    );
  }

  /** Some target failed: back to rendered, to be tried again at `next` (the targets that have it are kept). */
  async retryDeliveryAt(id: string, next: Date, error: string, deliveredTargets: string[]): Promise<void> {
    await this.reports.update(
      { id },
      { status: 'rendered', nextDeliveryAt: next, error: error.slice(0, 2000), deliveredTargets },
    );
  }

  /** The last attempt failed: the report stays undelivered, with the reason. */
  async markDeliveryFailed(id: string, error: string, deliveredTargets: string[]): Promise<void> {
    await this.reports.update(
      { id },
      { status: 'failed', nextDeliveryAt: null, error: error.slice(0, 2000), deliveredTargets },
    );
  }

  /** A report row before any render or delivery. */
  private newReport(
    brandId: string,
    month: string,
    template: string,
    status: 'rendering' | 'pending',
    now: Date,
  ): ReportEntity {
    return this.reports.create({
      brandId,
      month,
      template,
      status,
      filePath: null,
      bytes: null,
      error: null,
      createdAt: now,
      renderedAt: null,
      deliveredAt: null,
      deliveryAttempts: 0,
      nextDeliveryAt: null,
      deliveredTargets: [],
    });
  }
}
