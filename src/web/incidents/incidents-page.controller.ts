import {
  Body,
  ForbiddenException,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import type { IncidentEntity, IncidentState } from '../../escalations/incident.entity';
import { IncidentReachQuery, type IncidentStory } from '../../escalations/incident-reach.query';
import { IncidentService } from '../../escalations/incident.service';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest, WebUser } from '../web-user';

const TABS = ['open', 'acknowledged', 'resolved'] as const;
const TAB_LABELS: Record<IncidentState, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};
const SEVERITY_BADGES: Record<string, string> = {
  critical: 'badge-danger',
  warning: 'badge-warn',
  info: 'badge-info',
};

const listQuery = z.looseObject({
  state: z.enum(TABS).optional().catch(undefined),
  mine: z.literal('1').optional().catch(undefined),
  done: z.enum(['acknowledged', 'resolved']).optional().catch(undefined),
});
const changeBody = z.looseObject({
  comment: z.string().max(2_000).optional(),
  back: z.string().max(500).optional(),
});

/**
 * Incidents of the person's brands (organisation-wide ones for administrators), by state, each with its
 * escalation timeline as the notification records tell it. Acknowledge and resolve are IncidentService's,
 * audited as the signed-in person, as the REST API does.
 */
@WebController()
export class IncidentsPageController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly incidents: IncidentService,
    private readonly reach: IncidentReachQuery,
    private readonly clock: Clock,
  ) {}

  @WebAccess('view')
  @Get('incidents')
  async page(@Req() request: WebRequest, @Query({ schema: listQuery }) query: z.output<typeof listQuery>) {
    const user = request.webUser!;
    const state: IncidentState = query.state ?? 'open';
    // An administrator also sees incidents of no brand (a notifier failing, the system); others their brands'.
    const listed = await this.incidents.list(
      user.admin ? { state } : { state, brands: user.brandsWhere('view') },
    );
    const stories = await this.reach.stories(listed);
    let incidents = listed.map((incident) => ({ incident, story: stories.get(incident.id)! }));
    if (query.mine) {
      incidents = incidents.filter(({ incident, story }) => concerns(incident, story, user.person));
    }
    const back = `/incidents?state=${state}${query.mine ? '&mine=1' : ''}`;
    return this.views.page(
      request,
      'incidents',
      { title: 'Incidents', screen: 'incidents', styles: ['incidents'] },
      {
        tabs: TABS.map((id) => ({
          id,
          label: TAB_LABELS[id],
          current: id === state,
          href: `/incidents?state=${id}${query.mine ? '&mine=1' : ''}`,
        })),
        state,
        stateLabel: TAB_LABELS[state],
        mine: !!query.mine,
        back,
        notice: query.done
          ? { kind: 'ok', message: `The incident is ${query.done}, in your name.` }
          : undefined,
        incidents: incidents.map(({ incident, story }) => this.model(user, incident, story)),
      },
    );
  }

  @WebAccess('incidents')
  @Post('incidents/:id/acknowledge')
  async acknowledge(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: changeBody }) body: z.output<typeof changeBody>,
  ): Promise<void> {
    const user = request.webUser!;
    await this.actionable(user, id);
    await this.incidents.acknowledge(id, user.person, this.clock.now(), comment(body.comment));
    response.redirect(303, backTo(body.back, 'acknowledged', id));
  }

  @WebAccess('incidents')
  @Post('incidents/:id/resolve')
  async resolve(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
    @Body({ schema: changeBody }) body: z.output<typeof changeBody>,
  ): Promise<void> {
    const user = request.webUser!;
    await this.actionable(user, id);
    await this.incidents.resolve(id, user.person, this.clock.now(), comment(body.comment));
    response.redirect(303, backTo(body.back, 'resolved', id));
  }

  /** 404 for an incident the person cannot see, 403 when they see it but may not act on it. */
  private async actionable(user: WebUser, id: string): Promise<IncidentEntity> {
    const incident = await this.incidents.byId(id);
    if (!incident || !this.sees(user, incident)) {
      throw new NotFoundException(`no incident ${id}`);
    }
    if (!this.mayAct(user, incident)) {
      throw new ForbiddenException(
        incident.brandId
          ? `your role on this brand (${user.rolesOn(incident.brandId).join(', ')}) does not allow acknowledging or resolving its incidents: ask its owner`
          : 'incidents of no brand are for administrators',
      );
    }
    return incident;
  }

  private sees(user: WebUser, incident: IncidentEntity): boolean {
    return incident.brandId ? user.can(incident.brandId, 'view') : user.admin;
  }

  private mayAct(user: WebUser, incident: IncidentEntity): boolean {
    return incident.brandId ? user.can(incident.brandId, 'incidents') : user.admin;
  }

  private model(user: WebUser, incident: IncidentEntity, story: IncidentStory) {
    const brand = incident.brandId ? this.config.loaded.config.brands[incident.brandId] : undefined;
    const zone = brand?.timezone ?? this.config.loaded.config.organisation.timezone;
    const people = this.config.loaded.config.people;
    const who = (id: string | null) => (id ? (people[id]?.name ?? id) : '');
    const levels = [...new Set(story.reach.map((entry) => entry.level))].sort((a, b) => a - b);
    return {
      id: incident.id,
      title: incident.title,
      rule: incident.rule,
      severity: incident.severity,
      severityBadge: SEVERITY_BADGES[incident.severity] ?? 'badge-info',
      brandName: brand?.name ?? 'Organisation',
      zone,
      state: incident.state,
      stateLabel: TAB_LABELS[incident.state],
      openedAt: incident.openedAt,
      acknowledged: incident.acknowledgedAt
        ? {
            at: incident.acknowledgedAt,
            by: who(incident.acknowledgedBy),
            comment: story.acknowledgedComment,
          }
        : undefined,
      resolved: incident.resolvedAt
        ? { at: incident.resolvedAt, by: who(incident.resolvedBy), comment: story.resolvedComment }
        : undefined,
      steps: story.steps,
      timeline: levels.map((level) => ({
        level: level + 1,
        entries: story.reach
          .filter((entry) => entry.level === level)
          .map((entry) => ({ ...entry, targetName: who(entry.target), me: entry.target === user.person })),
      })),
      canAcknowledge: incident.state === 'open' && this.mayAct(user, incident),
      canResolve: incident.state !== 'resolved' && this.mayAct(user, incident),
    };
  }
}

/** The incident reached the person (a notification named them), or they acknowledged it. */
function concerns(incident: IncidentEntity, story: IncidentStory, person: string): boolean {
  return story.reach.some((entry) => entry.target === person) || incident.acknowledgedBy === person;
}

function comment(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function backTo(back: string | undefined, done: 'acknowledged' | 'resolved', id: string): string {
  const base = typeof back === 'string' && /^\/incidents(\?[^\s#]*)?$/.test(back) ? back : '/incidents';
  return `${base}${base.includes('?') ? '&' : '?'}done=${done}#incident-${encodeURIComponent(id)}`;
}
