import { Clock } from '../clock/clock';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { RuleConfig } from '../config/schema/metronome-config.schema';
import { parseDurationMs } from '../config/schema/primitives.schema';
import { IncidentService } from '../escalations/incident.service';
import { DomainEvent } from '../events/domain-event';
import { DomainEventBus } from '../events/domain-event.bus';
import { CompiledRules } from './compiled-rules';
import { RuleActions } from './rule-actions';
import { Facts, RuleFactsBuilder } from './rule-facts.builder';
import { RuleFiringRepository } from './rule-firing.repository';
import { ruleMatchTitle } from './rule-match.title';

/**
 * Runs the rules from YAML: `on:` rules when their event is published, `every:` rules on the scheduler's
 * tick. A rule fires once per (rule, subject) — a row in rule_firings, unique while uncleared — and may fire
 * again only after an evaluation finds its condition false, which also resolves its incident.
 */
@Injectable()
export class RuleEngine implements OnModuleInit {
  private readonly logger = new Logger('Rules');
  private readonly lastScheduledRun = new Map<string, number>();

  constructor(
    private readonly firings: RuleFiringRepository,
    private readonly config: ConfigService,
    private readonly bus: DomainEventBus,
    private readonly facts: RuleFactsBuilder,
    private readonly actions: RuleActions,
    private readonly incidents: IncidentService,
    private readonly rules: CompiledRules,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe((event) => this.onEvent(event));
  }

  async onEvent(event: DomainEvent): Promise<void> {
    const { config } = this.config.loaded;
    const brand = config.brands[event.brandId];
    const rules = this.rules.forEvent(event.type, event.brandId);
    if (!brand || rules.length === 0) {
      return;
    }
    const eventFacts = await this.facts.forEvent(event, brand);
    if (!eventFacts) {
      return;
    }
    const facts = { ...(await this.facts.common(event.brandId, brand, event.at)), ...eventFacts };
    const postId =
      event.subject.type === 'post'
        ? event.subject.id
        : ((eventFacts.post as { id?: string } | undefined)?.id ?? undefined);
    for (const rule of rules) {
      if (rule.stage && (facts.cycle as { stage: string }).stage !== rule.stage) {
        continue;
      }
      const subjectKey = `${event.subject.type}:${event.subject.id}`;
      const title = ruleMatchTitle(rule, this.describe(eventFacts));
      await this.evaluate(rule, event.brandId, subjectKey, facts, { postId, title, at: event.at });
    }
  }

  /** Evaluates `every:` rules whose interval has passed, once per brand. */
  async runScheduled(now: Date): Promise<void> {
    const { config } = this.config.loaded;
    for (const rule of config.rules.filter((r) => r.enabled && r.every)) {
      const interval = parseDurationMs(rule.every ?? '') ?? 0;
      const last = this.lastScheduledRun.get(rule.name);
      if (last !== undefined && now.getTime() - last < interval) {
        continue;
      }
      this.lastScheduledRun.set(rule.name, now.getTime());
      for (const [brandId, brand] of Object.entries(config.brands)) {
        if (!this.appliesTo(rule, brandId)) {
          continue;
        }
        const facts = await this.facts.common(brandId, brand, now);
        if (rule.stage && (facts.cycle as { stage: string }).stage !== rule.stage) {
          continue;
        }
        const title = ruleMatchTitle(rule, brand.name);
        await this.evaluate(rule, brandId, `brand:${brandId}`, facts, { title, at: now });
      }
    }
  }

  private async evaluate(
    rule: RuleConfig,
    brandId: string,
    subjectKey: string,
    facts: Facts,
    match: { postId?: string; title: string; at: Date },
  ): Promise<void> {
    const matched = { ...match, facts };
    let holds: boolean;
    try {
      holds = this.rules.condition(rule)(facts);
    } catch (error) {
      this.logger.error(`rule ${rule.name}: condition failed on ${subjectKey}: ${(error as Error).message}`);
      return;
    }
    if (!holds) {
      if (await this.firings.clear(rule.name, subjectKey, match.at)) {
        await this.incidents.resolveCleared(`rule:${rule.name}`, subjectKey, match.at);
      }
      return;
    }
    const firingId = await this.firings.insertOne({
      rule: rule.name,
      subjectKey,
      brandId,
      firedAt: match.at,
      title: match.title,
    });
    if (firingId === undefined) {
      return; // fired already for this subject and the condition has not cleared since
    }
    this.logger.log(`rule ${rule.name} fired for ${subjectKey}`);
    await this.actions.execute({ rule, brandId, subjectKey, ...matched });
    await this.firings.markActed([firingId], this.clock.now());
  }

  private appliesTo(rule: RuleConfig, brandId: string): boolean {
    return !rule.brands || rule.brands.includes(brandId);
  }

  private describe(facts: Facts): string {
    const post = facts.post as { title?: string } | undefined;
    return post?.title ? `"${post.title}"` : 'its condition holds';
  }
}
