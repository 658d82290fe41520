import { Injectable } from '@nestjs/common';
import { In, IsNull, Like } from 'typeorm';
import { ApprovalEntity } from '../approvals/approval.entity';
import { ChannelEntity } from '../channels/channel.entity';
import { IncidentEntity } from '../escalations/incident.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { PostEntity } from '../content/post.entity';
import { ProfileCheckEntity, type ProfileDifference } from '../profiles/profile-check.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import { CycleRepository } from '../cycles/cycle.repository';

/** A pending approval step of a post in review, with its post. */
export type PendingApproval = ApprovalEntity & { post: PostEntity };

/** A channel variant that failed or missed its time. */
export interface FailedVariant {
  id: string;
  state: string;
  error: string | null;
  title: string;
  brandId: string;
  channel: string;
}

/** An inbox item nobody has answered or set aside yet. */
export interface UnansweredInboxItem {
  id: string;
  author: string;
  kind: string;
  receivedAt: Date;
  /** The channel's key. */
  channel: string;
}

/** A channel whose last profile check found differences from its declared profile. */
export interface DriftedProfile {
  channelId: string;
  brandId: string;
  /** The channel's key. */
  channel: string;
  differences: ProfileDifference[];
  /** Enforce mode: the platform's reason for refusing to change the profile back, if it did. */
  enforceError: string | null;
}

/**
 * What rule conditions and guards read: posts, variants, approvals, channels, inbox items, incidents and profile
 * checks, owned by other features and only read here. Works in the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class RuleFactsRepository {
  constructor(
    private readonly transactions: TransactionContext,
    private readonly cycles: CycleRepository,
  ) {}

  post(id: string): Promise<PostEntity | null> {
    return this.transactions.manager.getRepository(PostEntity).findOneBy({ id });
  }

  variantsOf(postId: string): Promise<PostVariantEntity[]> {
    return this.transactions.manager.getRepository(PostVariantEntity).findBy({ postId });
  }

  approval(id: string): Promise<ApprovalEntity | null> {
    return this.transactions.manager.getRepository(ApprovalEntity).findOneBy({ id });
  }

  channel(id: string): Promise<ChannelEntity | null> {
    return this.transactions.manager.getRepository(ChannelEntity).findOneBy({ id });
  }

  channels(ids: readonly string[]): Promise<ChannelEntity[]> {
    return ids.length === 0
      ? Promise.resolve([])
      : this.transactions.manager.getRepository(ChannelEntity).findBy({ id: In([...ids]) });
  }

  activeChannels(): Promise<ChannelEntity[]> {
    return this.transactions.manager.getRepository(ChannelEntity).findBy({ status: 'active' });
  }

  /** Posts of a brand whose time falls in [start, end), cancelled ones aside. */
  postsPlannedIn(brandId: string, period: { periodStart: Date; periodEnd: Date }): Promise<number> {
    return this.cycles.postsInPeriod(brandId, period);
  }

  /** Variants of a channel scheduled in [from, to). */
  scheduledVariantCount(channelId: string, from: Date, to: Date): Promise<number> {
    return this.transactions.manager
      .getRepository(PostVariantEntity)
      .createQueryBuilder('v')
      .where('v.channelId = :id AND v.state = :state', { id: channelId, state: 'scheduled' })
      .andWhere('v.scheduledAt >= :from AND v.scheduledAt < :to', {
        from: toDbInstant(from),
        to: toDbInstant(to),
      })
      .getCount();
  }

  /** When the channel last published a variant, if it ever did. */
  async lastPublishedAt(channelId: string): Promise<Date | undefined> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const [last] = await manager.query<Array<{ at: string | null }>>(
      `SELECT MAX("published_at") AS "at" FROM "post_variants" WHERE "channel_id" = ${p(1)} AND "state" = 'published'`,
      [channelId],
    );
    return last?.at ? new Date(last.at) : undefined;
  }

  /** Variants of a channel in one of `states` whose time (their own, or their post's) falls in [from, to). */
  async plannedVariantCount(
    channelId: string,
    from: Date,
    to: Date,
    states: readonly string[],
  ): Promise<number> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    // Placeholders in the order they appear: SQLite's are positional.
    const [planned] = await manager.query<Array<{ n: number | string }>>(
      `SELECT COUNT(*) AS "n" FROM "post_variants" v JOIN "posts" post ON post."id" = v."post_id" ` +
        `WHERE v."channel_id" = ${p(1)} ` +
        `AND COALESCE(v."scheduled_at", post."publish_at") >= ${p(2)} AND COALESCE(v."scheduled_at", post."publish_at") < ${p(3)} ` +
        `AND v."state" IN (${states.map((_, i) => p(i + 4)).join(', ')})`,
      [channelId, toDbInstant(from), toDbInstant(to), ...states],
    );
    return Number(planned?.n ?? 0);
  }

  /** Pending approval steps of posts in review, earliest step first. */
  async pendingApprovalsInReview(): Promise<PendingApproval[]> {
    return (await this.transactions.manager
      .getRepository(ApprovalEntity)
      .createQueryBuilder('approval')
      .innerJoinAndMapOne('approval.post', PostEntity, 'post', 'post.id = approval.post_id')
      .where("approval.status = 'pending'")
      .andWhere("post.state = 'in_review'")
      .orderBy('approval.step_index', 'ASC')
      .getMany()) as PendingApproval[];
  }

  failedVariants(): Promise<FailedVariant[]> {
    return this.transactions.manager
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoin(PostEntity, 'post', 'post.id = variant.post_id')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where("variant.state IN ('failed', 'missed')")
      .select([
        'variant.id AS "id"',
        'variant.state AS "state"',
        'variant.last_error AS "error"',
        'post.title AS "title"',
        'post.brand_id AS "brandId"',
        'channel.key AS "channel"',
      ])
      .getRawMany<FailedVariant>();
  }

  /** Posts in one of `states` that belong to no campaign. */
  postsWithoutCampaign(states: readonly PostEntity['state'][]): Promise<PostEntity[]> {
    return this.transactions.manager
      .getRepository(PostEntity)
      .findBy({ campaign: IsNull(), state: In([...states]) });
  }

  /** A brand's new or escalated inbox items, unanswered, received in [receivedSince, receivedBefore), oldest first. */
  async unansweredInboxItems(
    brandId: string,
    receivedBefore: Date,
    receivedSince: Date,
  ): Promise<UnansweredInboxItem[]> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const rows = await manager.query<
      Array<{ id: string; author: string; kind: string; received_at: string; channel: string }>
    >(
      `SELECT i."id", i."author", i."kind", i."received_at", c."key" AS "channel" FROM "inbox_items" i JOIN "channels" c ON c."id" = i."channel_id" WHERE c."brand_id" = ${p(1)} AND i."answered_at" IS NULL AND i."state" IN ('new', 'escalated') AND i."received_at" < ${p(2)} AND i."received_at" >= ${p(3)} ORDER BY i."received_at"`,
      [brandId, toDbInstant(receivedBefore), toDbInstant(receivedSince)],
    );
    return rows.map((row) => ({
      id: row.id,
      author: row.author,
      kind: row.kind,
      receivedAt: new Date(row.received_at),
      channel: row.channel,
    }));
  }

  /** Channels whose last profile check found differences. */
  async driftedProfiles(): Promise<DriftedProfile[]> {
    const rows = await this.transactions.manager
      .getRepository(ProfileCheckEntity)
      .createQueryBuilder('profile_check')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = profile_check.channel_id')
      .where(`profile_check.differences <> '[]'`)
      .select([
        'profile_check.channel_id AS "channelId"',
        'profile_check.differences AS "differences"',
        'channel.brand_id AS "brandId"',
        'channel.key AS "channel"',
        'profile_check.enforce_error AS "enforceError"',
      ])
      .getRawMany<{
        channelId: string;
        differences: string;
        brandId: string;
        channel: string;
        enforceError: string | null;
      }>();
    return rows.map((row) => ({
      channelId: row.channelId,
      brandId: row.brandId,
      channel: row.channel,
      differences: JSON.parse(row.differences) as ProfileDifference[],
      enforceError: row.enforceError,
    }));
  }

  /** Subjects of the open or acknowledged incidents a guard (`guard:<name>`) opened. */
  async openGuardIncidentSubjects(rule: string): Promise<string[]> {
    const open = await this.transactions.manager
      .getRepository(IncidentEntity)
      .findBy({ rule, state: In(['open', 'acknowledged']), dedupKey: Like(`${rule}|%`) });
    return open.map((incident) => incident.subjectKey);
  }
}
