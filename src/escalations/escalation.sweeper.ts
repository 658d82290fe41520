import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { formatBrandTime } from '../notifications/brand-time.format';
import { NotificationTemplateRenderer } from '../notifications/notification-template.renderer';
import type { IncidentEntity } from './incident.entity';
import { deliveriesFor } from './escalation-targets';
import { levelOfStep, PolicySnapshot, stepAfter } from './escalation-policy.snapshot';
import { IncidentLinkSigner } from './incident-link.signer';
import { IncidentRepository } from './incident.repository';
import {
  NOTIFICATION_SENDER,
  RECIPIENT_LINKS,
  type NotificationSender,
  type RecipientLinks,
} from './notification-sender';

export const INCIDENT_LINK_SIGNER = Symbol('INCIDENT_LINK_SIGNER');

/**
 * Walks open incidents through their escalation levels. Each due step is claimed with a conditional
 * update before anything is sent, so with several schedulers a step is sent once; an acknowledged or
 * resolved incident is never claimed, which is what stops the escalation.
 */
@Injectable()
export class EscalationSweeper {
  private readonly logger = new Logger('Escalations');

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly config: ConfigService,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    @Inject(INCIDENT_LINK_SIGNER) private readonly links: IncidentLinkSigner,
    private readonly templates: NotificationTemplateRenderer,
    @Optional() @Inject(RECIPIENT_LINKS) private readonly recipientLinks?: RecipientLinks,
  ) {}

  async sweep(now: Date): Promise<number> {
    const due = await this.incidents.dueForEscalation(now, 100);
    let sent = 0;
    for (const incident of due) {
      if (await this.claim(incident, now)) {
        sent += await this.notify(incident, now);
      }
    }
    return sent;
  }

  private async claim(incident: IncidentEntity, now: Date): Promise<boolean> {
    const snapshot = incident.policySnapshot as unknown as PolicySnapshot;
    const next = stepAfter(snapshot, incident.level);
    return this.incidents.claimStep(
      incident.id,
      incident.level,
      next === undefined ? null : new Date(now.getTime() + levelOfStep(snapshot, next).afterMs),
    );
  }

  private async notify(incident: IncidentEntity, now: Date): Promise<number> {
    const snapshot = incident.policySnapshot as unknown as PolicySnapshot;
    const level = levelOfStep(snapshot, incident.level);
    const { deliveries, unreachable } = deliveriesFor(
      this.config.loaded.config,
      this.config.loaded.plugins,
      level.targets,
    );
    const record = (target: string, channel: string, status: 'sent' | 'failed', error: string | null) =>
      this.incidents.recordNotification({
        incidentId: incident.id,
        level: incident.level,
        target,
        channel,
        status,
        error,
        sentAt: now,
      });
    const notifierIds = Object.keys(this.config.loaded.config.notifiers);
    for (const person of unreachable) {
      const why =
        notifierIds.length === 0
          ? `no notifier is configured: add one under "notifiers:" (README "Notifiers")`
          : this.config.loaded.config.people[person]
            ? `${person} has no address for any notifier (${notifierIds.join(', ')}): give them an e-mail for an e-mail notifier, or handles.<notifier>`
            : `"${person}" is neither a person nor a notifier of the config in force`;
      await record(person, '-', 'failed', why);
      this.logger.warn(`incident "${incident.title}": could not reach ${person}: ${why}`);
    }
    const { config } = this.config.loaded;
    const brand = incident.brandId ? config.brands[incident.brandId] : undefined;
    const incidentLinks = this.links.links(incident.id, now);
    const render = (links: Array<{ label: string; url: string }>) =>
      this.templates.render(incident.level === 0 ? 'incident-opened' : 'incident-escalated', {
        incident: {
          id: incident.id,
          title: incident.title,
          summary: this.summary(incident, brand?.timezone ?? config.organisation.timezone),
          severity: incident.severity,
          brand: brand?.name,
          openedAt: incident.openedAt,
        },
        level: { number: incident.level + 1, of: snapshot.levels.length },
        reason: incident.level === 0 ? undefined : 'Nobody has acknowledged it yet.',
        organisation: { name: config.organisation.name },
        timezone: brand?.timezone ?? config.organisation.timezone,
        links,
      });
    const shared = render(incidentLinks);
    let sent = 0;
    for (const delivery of deliveries) {
      // Each person's copy may carry links bound to them (one-click approval); a channel's never does.
      const person = delivery.to.length === 1 && delivery.to[0] === delivery.target ? delivery.target : null;
      const extra = this.recipientLinks ? await this.recipientLinks.linksFor(incident, person) : [];
      const links = [...incidentLinks, ...extra];
      const rendered = extra.length > 0 ? render(links) : shared;
      const result = await this.sender.send(delivery.notifier, {
        // Stable per incident step and delivery: a receiver can drop a re-send after a crash.
        id: `${incident.id}:${incident.level}:${delivery.notifier}:${delivery.to.join(',')}`,
        to: delivery.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        severity: incident.severity as 'info' | 'warning' | 'critical',
        links,
      });
      await record(delivery.target, delivery.notifier, result.status, result.error ?? null);
      sent += result.status === 'sent' ? 1 : 0;
    }
    return sent;
  }

  /** The incident's details as people read them: times in the brand's zone, lists as lists, who raised it. */
  private summary(incident: IncidentEntity, zone: string): string {
    const details = Object.entries(incident.details)
      .filter(([, value]) => value !== null && value !== '')
      .map(([key, value]) => `${key}: ${forPeople(value, zone)}`)
      .join('\n');
    const raisedBy = incident.rule.startsWith('guard:')
      ? `the ${incident.rule.slice('guard:'.length)} guard`
      : `rule "${incident.rule.replace(/^rule:/, '')}"`;
    return `${details}\nRaised by ${raisedBy}.`;
  }
}

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

function forPeople(value: unknown, zone: string): string {
  if (typeof value === 'string') {
    return INSTANT.test(value) ? formatBrandTime(value, zone) : value;
  }
  if (Array.isArray(value)) {
    return value.every((item) => typeof item !== 'object' || item === null)
      ? value.map((item) => forPeople(item, zone)).join(', ')
      : value.map((item) => `\n  ${forPeople(item, zone)}`).join('');
  }
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([key, item]) => `${key} ${forPeople(item, zone)}`)
      .join(', ');
  }
  return String(value);
}
