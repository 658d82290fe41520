import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import { currentAndNextMonth, cycleCalendar, stageAt } from './cycle-calendar';
import { CycleRepository } from './cycle.repository';

/**
 * Keeps each brand's cycles: the current month and the next one exist as rows, and when a cycle's stage
 * moves on (plan → prepare → publish → review → closed) the change is stored, audited and published as
 * `cycle.stage_changed`.
 */
@Injectable()
export class CycleService {
  constructor(
    private readonly cycles: CycleRepository,
    private readonly events: TransactionalEvents,
    private readonly audit: AuditRepository,
  ) {}

  async tick(config: MetronomeConfig, now: Date): Promise<number> {
    let changed = 0;
    for (const [brandId, brand] of Object.entries(config.brands)) {
      for (const month of currentAndNextMonth(brand, now)) {
        await this.ensure(brandId, month, config, now);
      }
      for (const cycle of await this.cycles.newest(brandId, 3)) {
        const month = DateTime.fromJSDate(cycle.periodStart, { zone: brand.timezone }).toFormat('yyyy-LL');
        const stage = stageAt(cycleCalendar(brand, month), now);
        if (stage === cycle.stage) {
          continue;
        }
        await this.events.run(async () => {
          if (!(await this.cycles.moveStage(cycle.id, cycle.stage, stage))) {
            return;
          }
          changed++;
          await this.audit.append({
            actor: 'cycle-engine',
            action: 'cycle.stage_changed',
            subjectType: 'cycle',
            subjectId: cycle.id,
            data: { month, from: cycle.stage, to: stage },
            at: now,
          });
          this.events.record({
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
    if (await this.cycles.exists(brandId, calendar.periodStart)) {
      return;
    }
    await this.cycles.insertUnlessExists({
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
    });
  }
}
