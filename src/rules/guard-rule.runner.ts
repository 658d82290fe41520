import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { GUARD_RULES } from '../config/schema/metronome-config.schema';
import { parseDurationMs } from '../config/schema/primitives.schema';
import { ownerOnlyPolicy, snapshotPolicy } from '../escalations/escalation-policy.snapshot';
import { IncidentService } from '../escalations/incident.service';
import { ApprovalOverdueGuard } from './guards/approval-overdue.guard';
import { ChannelQuietGuard } from './guards/channel-quiet.guard';
import { GuardRule } from './guards/guard-rule';
import { InboxUnansweredGuard } from './guards/inbox-unanswered.guard';
import { PlanNotReadyGuard } from './guards/plan-not-ready.guard';
import { PostFailedGuard } from './guards/post-failed.guard';
import { PostWithoutCampaignGuard } from './guards/post-without-campaign.guard';
import { ProfileDriftGuard } from './guards/profile-drift.guard';
import { RuleFactsRepository } from './rule-facts.repository';

export const GUARDS: Record<(typeof GUARD_RULES)[number], GuardRule> = {
  'approval-overdue': new ApprovalOverdueGuard(),
  'channel-quiet': new ChannelQuietGuard(),
  'post-without-campaign': new PostWithoutCampaignGuard(),
  'plan-not-ready': new PlanNotReadyGuard(),
  'post-failed': new PostFailedGuard(),
  'inbox-unanswered': new InboxUnansweredGuard(),
  'profile-drift': new ProfileDriftGuard(),
};

/**
 * Runs the built-in guard rules: each finding opens (or keeps) one incident, escalated by the guard's
 * policy or, by default, to the brand owner; an incident whose finding is gone resolves itself.
 */
@Injectable()
export class GuardRuleRunner {
  private readonly logger = new Logger('Guards');

  constructor(
    private readonly facts: RuleFactsRepository,
    private readonly config: ConfigService,
    private readonly incidents: IncidentService,
  ) {}

  async run(now: Date): Promise<{ opened: number; resolved: number }> {
    const { config } = this.config.loaded;
    let opened = 0;
    let resolved = 0;
    for (const [name, guard] of Object.entries(GUARDS)) {
      const override = config.guards[name as keyof typeof GUARDS];
      const enabled =
        override === undefined ? guard.onByDefault : override !== false && override.enabled !== false;
      const findings = enabled
        ? await guard.findings({
            config,
            facts: this.facts,
            now,
            thresholdMs: override ? parseDurationMs(override.after ?? '') : undefined,
          })
        : [];
      const rule = `guard:${name}`;
      for (const finding of findings) {
        const brand = config.brands[finding.brandId];
        if (!brand) {
          continue;
        }
        const policy =
          override && override.escalate
            ? snapshotPolicy(config, override.escalate)
            : ownerOnlyPolicy(brand.owner);
        const result = await this.incidents.open({ ...finding, rule, policy, at: now });
        opened += result.opened ? 1 : 0;
      }
      const stillTrue = new Set(findings.map((finding) => finding.subjectKey));
      const open = await this.facts.openGuardIncidentSubjects(rule);
      for (const subjectKey of open.filter((subjectKey) => !stillTrue.has(subjectKey))) {
        await this.incidents.resolveCleared(rule, subjectKey, now);
        resolved++;
      }
    }
    if (opened + resolved > 0) {
      this.logger.log(
        `guards: ${opened} ${opened === 1 ? 'incident' : 'incidents'} opened, ${resolved} resolved as their condition cleared`,
      );
    }
    return { opened, resolved };
  }
}
