import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { RuleConfig } from '../config/schema/metronome-config.schema';

type RuleAction = Exclude<RuleConfig['then'][number], { escalate: string }>;
import { PostStateService } from '../content/post-state.service';
import { snapshotPolicy } from '../escalations/escalation-policy.snapshot';
import { IncidentService, type OpenIncidentInput } from '../escalations/incident.service';
import { NOTIFICATION_SENDER, type NotificationSender } from '../escalations/notification-sender';
import { TransactionalEvents } from '../events/transactional-events';
import { NotificationTemplateRenderer } from '../notifications/notification-template.renderer';
import { PostEntity } from '../content/post.entity';
import { DEFAULT_NOTIFY_TEMPLATE } from './notify-action.validator';
import { factsThatFired, renderNotifyMessage } from './notify-message.template';
import { RuleActionPostRepository } from './rule-action-post.repository';
import type { Facts } from './rule-facts.builder';
import { webhookMessageId } from '../plugin-sdk/webhook-secret';
import { WebhookTargets } from '../webhooks/webhook-targets.service';

export interface RuleMatch {
  rule: RuleConfig;
  brandId: string;
  subjectKey: string;
  /** The post the rule is about, when it is about one (hold, tag and assign need it). */
  postId?: string;
  title: string;
  at: Date;
  /** What the condition saw; absent when a stopped process's firing is carried out later. */
  facts?: Facts;
}

/** Carries out a matched rule's `then` list. One failing action is logged and does not stop the others. */
@Injectable()
export class RuleActionExecutor {
  private readonly logger = new Logger('Rules');

  constructor(
    private readonly config: ConfigService,
    private readonly incidents: IncidentService,
    private readonly states: PostStateService,
    private readonly events: TransactionalEvents,
    private readonly posts: RuleActionPostRepository,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    private readonly templates: NotificationTemplateRenderer,
    private readonly webhooks: WebhookTargets,
  ) {}

  async execute(match: RuleMatch): Promise<void> {
    for (const action of match.rule.then) {
      try {
        if ('escalate' in action) {
          await this.incidents.open(this.incidentFor(match, action.escalate));
        } else {
          await this.run(action, match);
        }
      } catch (error) {
        this.logger.error(
          `rule ${match.rule.name}: action ${Object.keys(action)[0]} failed: ${(error as Error).message}`,
        );
      }
    }
  }

  /** Many matches at once: their escalations open in one batch; the other actions run match by match. */
  async executeMany(matches: readonly RuleMatch[]): Promise<void> {
    const escalations: OpenIncidentInput[] = [];
    for (const match of matches) {
      for (const action of match.rule.then) {
        try {
          if ('escalate' in action) {
            escalations.push(this.incidentFor(match, action.escalate));
          } else {
            await this.run(action, match);
          }
        } catch (error) {
          this.logger.error(
            `rule ${match.rule.name}: action ${Object.keys(action)[0]} failed: ${(error as Error).message}`,
          );
        }
      }
    }
    await this.incidents.openMany(escalations);
  }

  private incidentFor(match: RuleMatch, policy: string): OpenIncidentInput {
    return {
      brandId: match.brandId,
      rule: `rule:${match.rule.name}`,
      subjectKey: match.subjectKey,
      title: match.title,
      severity: 'warning',
      // What made it fire, as the notification shows it: not the subject's internal key.
      details: {
        rule: match.rule.name,
        ...(match.rule.description ? { why: match.rule.description } : {}),
        ...(match.facts ? this.firedFacts(match) : { subject: match.subjectKey }),
      },
      policy: snapshotPolicy(this.config.loaded.config, policy),
      at: match.at,
    };
  }

  private firedFacts(match: RuleMatch): Record<string, string> {
    const { config } = this.config.loaded;
    const zone = config.brands[match.brandId]?.timezone ?? config.organisation.timezone;
    return Object.fromEntries(
      factsThatFired(match.rule.when, match.rule.on ?? 'schedule', match.facts ?? {}, zone).map((fact) => [
        fact.name,
        fact.value,
      ]),
    );
  }

  private async run(action: RuleAction, match: RuleMatch): Promise<void> {
    if ('notify' in action) {
      await this.notify(action.notify, match);
    } else if ('hold' in action) {
      await this.onPost(match, async (post) => {
        if (['in_review', 'approved', 'scheduled'].includes(post.state)) {
          await this.states.transition(post, 'held', {
            actor: `rule:${match.rule.name}`,
            reason: action.hold.reason,
            at: match.at,
          });
        }
      });
    } else if ('tag' in action) {
      await this.onPost(match, async (post) => {
        if (!post.tags.includes(action.tag)) {
          await this.posts.setTags(post.id, [...post.tags, action.tag]);
        }
      });
    } else if ('assign' in action) {
      await this.onPost(match, (post) => this.posts.assign(post.id, action.assign));
    } else {
      await this.webhook(action.webhook.url, action.webhook.secret, match);
    }
  }

  /**
   * The message (Handlebars over the facts, checked at config load) and the facts that made the rule
   * fire, in the brand's time zone, through the action's template (default rule-notify).
   */
  private async notify(
    notify: Extract<RuleAction, { notify: unknown }>['notify'],
    match: RuleMatch,
  ): Promise<void> {
    const { config } = this.config.loaded;
    const brand = config.brands[match.brandId];
    const zone = brand?.timezone ?? config.organisation.timezone;
    const trigger = match.rule.on ?? 'schedule';
    const message =
      notify.message && match.facts ? renderNotifyMessage(notify.message, match.facts, zone) : undefined;
    const rendered = this.templates.render(notify.template ?? DEFAULT_NOTIFY_TEMPLATE, {
      title: match.title,
      message,
      rule: { name: match.rule.name, description: match.rule.description },
      facts: match.facts ? factsThatFired(match.rule.when, trigger, match.facts, zone) : [],
      factsLost: !match.facts,
      brand: brand ? { name: brand.name } : undefined,
      firedAt: match.at,
      timezone: zone,
      severity: 'info',
      organisation: { name: config.organisation.name },
    });
    const owner = brand?.owner;
    const result = await this.sender.send(notify.notifier, {
      to: notify.to.length > 0 ? notify.to : owner ? [owner] : [],
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      severity: 'info',
      links: [],
    });
    if (result.status === 'failed') {
      this.logger.warn(
        `rule ${match.rule.name}: notify ${notify.notifier} failed: ${result.error ?? 'unknown error'}`,
      );
    }
  }

  private async onPost(match: RuleMatch, work: (post: PostEntity) => Promise<void>): Promise<void> {
    if (!match.postId) {
      this.logger.warn(
        `rule ${match.rule.name}: hold/tag/assign need a post, and ${match.subjectKey} is not one`,
      );
      return;
    }
    const postId = match.postId;
    await this.events.run(async () => {
      const post = await this.posts.byId(postId);
      if (post) {
        await work(post);
      }
    });
  }

  /**
   * POSTs the match as JSON, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature),
   * to a public address unless `network.allowInternalTargets` lists the target. The id is the same for
   * the same match, so a receiver drops a repeat (a firing whose actions run again after a crash).
   */
  private async webhook(url: string, secret: string, match: RuleMatch): Promise<void> {
    const id = webhookMessageId(`rule:${match.rule.name}|${match.subjectKey}|${match.at.toISOString()}`);
    const body = JSON.stringify({
      id,
      type: 'rule.matched',
      rule: match.rule.name,
      brand: match.brandId,
      subject: match.subjectKey,
      title: match.title,
      at: match.at.toISOString(),
    });
    const response = await this.webhooks.post(url, {
      body,
      headers: { 'content-type': 'application/json' },
      timeoutMs: 10_000,
      signing: { id, secret },
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`webhook ${new URL(url).host} answered ${response.status}`);
    }
  }
}
