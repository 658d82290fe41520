import { Injectable } from '@nestjs/common';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { cadenceTarget, currentAndNextMonth, cycleCalendar, stageAt } from '../cycles/cycle-calendar';
import { DomainEvent } from '../events/domain-event';
import { graphemeCount } from '../content/grapheme-count';
import { toFact } from './fact-values';
import { RuleFactsRepository } from './rule-facts.repository';

export type Facts = Record<string, unknown>;

/** Loads the documented facts (README "Rule facts") for an event or a scheduled evaluation. */
@Injectable()
export class RuleFactsBuilder {
  constructor(private readonly facts: RuleFactsRepository) {}

  async common(brandId: string, brand: BrandConfig, now: Date): Promise<Facts> {
    const [month] = currentAndNextMonth(brand, now);
    const calendar = cycleCalendar(brand, month);
    const target = cadenceTarget(brand, calendar);
    const planned = await this.facts.postsPlannedIn(brandId, calendar);
    return {
      now,
      brand: toFact('Brand', { id: brandId, name: brand.name, timezone: brand.timezone, owner: brand.owner }),
      cycle: toFact('Cycle', {
        id: `${brandId}:${month}`,
        stage: stageAt(calendar, now),
        periodStart: calendar.periodStart,
        periodEnd: calendar.periodEnd,
        planDueAt: calendar.planDueAt,
        planReady: planned >= target,
        postsPlanned: planned,
        cadenceTarget: target,
      }),
    };
  }

  /** The facts an event adds, keyed as its trigger declares them in rule-facts.ts. */
  async forEvent(event: DomainEvent, brand: BrandConfig): Promise<Facts | undefined> {
    switch (event.subject.type) {
      case 'post':
        return this.postFacts(event.subject.id, brand);
      case 'approval': {
        const approval = await this.facts.approval(event.subject.id);
        if (!approval) {
          return undefined;
        }
        const post = await this.postFacts(approval.postId, brand);
        return {
          ...post,
          approval: toFact('Approval', {
            step: approval.stepName,
            decision: event.data?.decision,
            by: event.data?.by,
            comment: event.data?.comment,
            dueAt: approval.dueAt,
            overdue: event.at > approval.dueAt,
          }),
        };
      }
      case 'channel':
        if (event.type === 'profile.drifted' || event.type === 'metrics.collected') {
          return this.channelEventFacts(event, brand);
        }
        return { previousStage: event.data?.previousStage ?? '' };
      case 'inbox':
      case 'cycle':
        return { previousStage: event.data?.previousStage ?? '' };
    }
  }

  /** `profile.drifted` → channel + drift; `metrics.collected` → channel + metrics (every numeric datum). */
  private async channelEventFacts(event: DomainEvent, brand: BrandConfig): Promise<Facts | undefined> {
    const channel = await this.facts.channel(event.subject.id);
    if (!channel) {
      return undefined;
    }
    const scheduledNext7Days = await this.facts.scheduledVariantCount(
      channel.id,
      event.at,
      new Date(event.at.getTime() + 7 * 86_400_000),
    );
    const channelFact = toFact('Channel', {
      id: channel.key,
      connector: channel.connector,
      status: channel.status,
      postsPerWeek: brand.channels[channel.key]?.cadence?.postsPerWeek ?? 0,
      scheduledNext7Days,
    });
    if (event.type === 'profile.drifted') {
      const fields = String(event.data?.fields ?? '');
      return {
        channel: channelFact,
        drift: toFact('ProfileDrift', { fields: fields ? fields.split(',') : [] }),
      };
    }
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(event.data ?? {})) {
      if (typeof value === 'number') {
        metrics[name] = value;
      }
    }
    return { channel: channelFact, metrics };
  }

  private async postFacts(postId: string, brand: BrandConfig): Promise<Facts | undefined> {
    const post = await this.facts.post(postId);
    if (!post) {
      return undefined;
    }
    const variants = await this.facts.variantsOf(postId);
    const channels = await this.facts.channels(variants.map((v) => v.channelId));
    const first = channels[0];
    const failed = variants.find((variant) => variant.lastError);
    return {
      post: toFact('Post', {
        id: post.id,
        title: post.title,
        state: post.state,
        campaign: post.campaign,
        theme: post.theme,
        funnelStage: post.funnelStage,
        tags: post.tags,
        channels: channels.map((channel) => channel.key),
        publishAt: post.publishAt,
        hasCampaign: !!post.campaign,
        graphemes: graphemeCount(post.body),
        error: failed?.lastError ?? post.stateReason,
      }),
      channel: toFact('Channel', {
        id: first?.key,
        connector: first?.connector,
        status: first?.status,
        postsPerWeek: first ? (brand.channels[first.key]?.cadence?.postsPerWeek ?? 0) : 0,
      }),
    };
  }
}
