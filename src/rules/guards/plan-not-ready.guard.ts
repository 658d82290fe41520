import { formatBrandTime } from '../../notifications/brand-time.format';
import { cadenceTarget, currentAndNextMonth, cycleCalendar } from '../../cycles/cycle-calendar';
import { Finding, GuardContext, GuardRule } from './guard-rule';

/** Next month's plan is due and it has fewer posts than the cadence needs: the seed's "skipping planning". */
export class PlanNotReadyGuard implements GuardRule {
  readonly name = 'plan-not-ready';
  readonly onByDefault = true;

  async findings({ config, facts, now }: GuardContext): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const [brandId, brand] of Object.entries(config.brands)) {
      const [, nextMonth] = currentAndNextMonth(brand, now);
      const calendar = cycleCalendar(brand, nextMonth);
      if (now < calendar.planDueAt) {
        continue;
      }
      const target = cadenceTarget(brand, calendar);
      const planned = await facts.postsPlannedIn(brandId, calendar);
      if (planned < target) {
        findings.push({
          brandId,
          subjectKey: `cycle:${brandId}:${nextMonth}`,
          title: `Plan for ${nextMonth} not ready: ${planned} of ${target} ${target === 1 ? 'post' : 'posts'} planned for ${brand.name}`,
          severity: 'warning',
          details: {
            month: nextMonth,
            planned,
            target,
            planDueAt: formatBrandTime(calendar.planDueAt, brand.timezone),
            owner: brand.owner,
          },
        });
      }
    }
    return findings;
  }
}
