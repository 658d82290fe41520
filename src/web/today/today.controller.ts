import { Get, Req } from '@nestjs/common';
import { ROLE_LABELS } from '../../access/brand-permission';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { CycleStatusQuery } from '../../cycles/cycle-status.query';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { dueInWords, WaitingOnMeQuery } from './waiting-on-me';

const STAGE_WORDS: Record<string, string> = {
  plan: 'planning',
  prepare: 'preparing',
  publish: 'publishing',
  review: 'in review',
  closed: 'closed',
};

/** Today: what waits on the signed-in person, and their brands with this month's and next month's cycle. */
@WebController()
export class TodayController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly waiting: WaitingOnMeQuery,
    private readonly cycles: CycleStatusQuery,
    private readonly clock: Clock,
  ) {}

  @WebAccess('signed-in')
  @Get()
  async today(@Req() request: WebRequest): Promise<string> {
    const user = request.webUser!;
    const config = this.config.loaded.config;
    const now = this.clock.now();
    const mine = new Set(user.brands);
    const waiting = await this.waiting.of(user, now);
    const statuses = mine.size === 0 ? [] : await this.cycles.status(config, now);
    return this.views.page(
      request,
      'today',
      { title: 'Today', screen: 'today', styles: ['today'] },
      {
        waiting,
        nothingWaits: waiting.total === 0,
        brands: statuses
          .filter((status) => mine.has(status.brand))
          .map((status) => ({
            id: status.brand,
            name: status.name,
            timezone: status.timezone,
            owner: config.people[status.owner]?.name ?? status.owner,
            roles: user
              .rolesOn(status.brand)
              .map((role) => ROLE_LABELS[role])
              .join(', '),
            months: status.months.map((month, index) => {
              const planDue = new Date(month.planDueAt);
              return {
                ...month,
                label: index === 0 ? 'This month' : 'Next month',
                stageWords: STAGE_WORDS[month.stage] ?? month.stage,
                onTarget: month.postsPlanned >= month.cadenceTarget,
                noTarget: month.cadenceTarget === 0,
                planDueInWords: dueInWords(planDue, now),
                planDuePassed: planDue <= now,
              };
            }),
            approvalsPending: status.approvalsPending,
            approvalsOverdue: status.approvalsOverdue,
          })),
      },
    );
  }
}
