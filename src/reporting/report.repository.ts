import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ReportEntity } from '../persistence/entities/report.entity';
import { isUniqueViolation } from '../persistence/unique-violation';

/** The `reports` rows: one per (brand, month, template), moved through rendering → rendered | failed. */
@Injectable()
export class ReportRepository {
  private readonly reports: Repository<ReportEntity>;

  constructor(dataSource: DataSource) {
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
      return await this.reports.save(
        this.reports.create({
          brandId,
          month,
          template,
          status: 'rendering',
          filePath: null,
          bytes: null,
          error: null,
          createdAt: now,
          renderedAt: null,
          deliveredAt: null,
        }),
      );
    } catch (error) {
      // Another replica created it between the lookup and the insert: use theirs.
      if (isUniqueViolation(error)) {
        return this.startRendering(brandId, month, template, now);
      }
      throw error;
    }
  }

  async markRendered(id: string, filePath: string, bytes: number, at: Date): Promise<void> {
    await this.reports.update({ id }, { status: 'rendered', filePath, bytes, renderedAt: at, error: null });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.reports.update({ id }, { status: 'failed', error: error.slice(0, 2000) });
  }

  async find(brandId: string, month: string, template: string): Promise<ReportEntity | null> {
    return this.reports.findOneBy({ brandId, month, template });
  }
}
