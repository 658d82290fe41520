import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import { CycleEntity } from '../persistence/entities/cycle.entity';
import { isUniqueViolation } from '../persistence/unique-violation';
import { currentAndNextMonth, cycleCalendar, stageAt } from './cycle-calendar';

/**
 * Keeps each brand's cycles: the current month and the next one exist as rows, and when a cycle's stage
 * moves on (plan → prepare → publish → review → closed) the change is stored, audited and published as
 * `cycle.stage_changed`.
 */
@Injectable()
export class CycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: TransactionalEvents,
    private readonly audit: AuditRepository,
  ) {}

  async tick(config: MetronomeConfig, now: Date): Promise<number> {
    let changed = 0;
    for (const [brandId, brand] of Object.entries(config.brands)) {
      for (const month of currentAndNextMonth(brand, now)) {
        await this.ensure(brandId, month, config, now);
      }
      const open = await this.dataSource
        .getRepository(CycleEntity)
        .find({ where: { brandId }, order: { periodStart: 'DESC' }, take: 3 });
      for (const cycle of open) {
        const month = DateTime.fromJSDate(cycle.periodStart, { zone: brand.timezone }).toFormat('yyyy-LL');
        const stage = stageAt(cycleCalendar(brand, month), now);
        if (stage === cycle.stage) {
          continue;
        }
        await this.events.run(async (manager) => {
          const result = await manager
            .getRepository(CycleEntity)
            .update({ id: cycle.id, stage: cycle.stage }, { stage });
          if ((result.affected ?? 0) !== 1) {
            return;
          }
          changed++;
          await this.audit.append(
            {
              actor: 'cycle-engine',
              action: 'cycle.stage_changed',
              subjectType: 'cycle',
              subjectId: cycle.id,
              data: { month, from: cycle.stage, to: stage },
              at: now,
            },
            manager,
          );
          this.events.record(manager, {
            type: 'cycle.stage_changed',
            brandId,
            subject: { type: 'cycle', id: cycle.id },
            at: now,
            data: { previousStage: cycle.stage },
          });
        });
      }
    }
    return changed;
  }

  private async ensure(brandId: string, month: string, config: MetronomeConfig, now: Date): Promise<void> {
    const brand = config.brands[brandId];
    const calendar = cycleCalendar(brand, month);
    const repository = this.dataSource.getRepository(CycleEntity);
    if (await repository.existsBy({ brandId, periodStart: calendar.periodStart })) {
      return;
    }
    try {
      await repository.insert(
        repository.create({
          brandId,
          periodStart: calendar.periodStart,
          periodEnd: calendar.periodEnd,
          stage: stageAt(calendar, now),
          stageDeadlines: {
            plan: calendar.planDueAt.toISOString(),
            prepare: calendar.periodStart.toISOString(),
            publish: calendar.periodEnd.toISOString(),
            review: calendar.reviewEndsAt.toISOString(),
          },
          owner: brand.owner,
          createdAt: now,
        }),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
    }
  }
}
