import { Injectable } from '@nestjs/common';
import { In, Not } from 'typeorm';
import { AuditEventEntity } from '../persistence/entities/audit-event.entity';
import { ChannelEntity } from '../channels/channel.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { PostEntity, PublishState } from './post.entity';
import type { JsonColumnValue } from '../persistence/json-value';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders, returningIds } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';

/** Post ids per conditional UPDATE … RETURNING of a batch move. */
const POSTS_PER_MOVE = 400;

/** A state move: the state the caller saw and the one it wants. */
export interface StateMove {
  from: PublishState;
  to: PublishState;
  reason: string | null;
  at: Date;
}

/** The fields of a post that its content file decides. */
export type PostContent = Pick<
  PostEntity,
  | 'sourceHash'
  | 'title'
  | 'body'
  | 'campaign'
  | 'theme'
  | 'funnelStage'
  | 'tags'
  | 'publishAt'
  | 'scheduleMode'
  | 'updatedAt'
>;

/** What a post's file says for one of its channels. */
export interface VariantContent {
  channelId: string;
  text: string;
  /** The title this channel publishes. */
  title: string;
  media: JsonColumnValue[];
  extra: Record<string, JsonColumnValue>;
}

/** A new post, as its first import creates it. */
export type NewPost = Pick<
  PostEntity,
  'brandId' | 'sourcePath' | 'state' | 'createdAt' | 'cycleId' | 'assignee' | 'stateReason'
>;

/**
 * The `posts` table, the `post_variants` rows that follow their post or that plan sync writes from a file, and the
 * reads of the channels and the state history that placing, importing and releasing a post need. Every method works in the transaction open in the TransactionContext, if any. State moves are on the
 * publishing hot path (bench:publish): plain conditional UPDATEs, batched per 400 posts.
 */
@Injectable()
export class PostRepository {
  constructor(private readonly transactions: TransactionContext) {}

  byId(id: string): Promise<PostEntity | null> {
    return this.transactions.manager.getRepository(PostEntity).findOneBy({ id });
  }

  /** The post imported from a file of a brand's content folder, if any. */
  bySourcePath(brandId: string, sourcePath: string): Promise<PostEntity | null> {
    return this.transactions.manager.getRepository(PostEntity).findOneBy({ brandId, sourcePath });
  }

  /** A post not stored yet (it gets its id now); `insert` stores it. */
  newPost(fields: NewPost): PostEntity {
    return this.transactions.manager.getRepository(PostEntity).create(fields);
  }

  async insert(post: PostEntity): Promise<void> {
    await this.transactions.manager.getRepository(PostEntity).insert(post);
  }

  /** Writes what a post's file says (its state is left as it is). */
  async updateContent(postId: string, content: PostContent): Promise<void> {
    await this.transactions.manager.getRepository(PostEntity).update(
      { id: postId },
      {
        sourceHash: content.sourceHash,
        title: content.title,
        body: content.body,
        campaign: content.campaign,
        theme: content.theme,
        funnelStage: content.funnelStage,
        tags: content.tags,
        publishAt: content.publishAt,
        scheduleMode: content.scheduleMode,
        updatedAt: content.updatedAt,
      },
    );
  }

  /** Moves a post from the state the caller saw to another; false if it was no longer in that state. */
  async moveState(postId: string, move: StateMove): Promise<boolean> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const affected = await executeCounting(
      manager,
      `UPDATE "posts" SET "state" = ${p(1)}, "state_reason" = ${p(2)}, "updated_at" = ${p(3)}, "version" = "version" + 1 WHERE "id" = ${p(4)} AND "state" = ${p(5)}`,
      [move.to, move.reason, toDbInstant(move.at), postId, move.from],
    );
    return affected === 1;
  }

  /** `moveState` for many posts, one UPDATE … RETURNING per chunk; returns the ids that moved. */
  async moveStates(postIds: readonly string[], move: StateMove): Promise<string[]> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const moved: string[] = [];
    for (let start = 0; start < postIds.length; start += POSTS_PER_MOVE) {
      const chunk = postIds.slice(start, start + POSTS_PER_MOVE);
      moved.push(
        ...(await returningIds(
          manager,
          `UPDATE "posts" SET "state" = ${p(1)}, "state_reason" = ${p(2)}, "updated_at" = ${p(3)}, "version" = "version" + 1 WHERE "state" = ${p(4)} AND "id" IN (${chunk.map((_, i) => p(i + 5)).join(', ')}) RETURNING "id"`,
          [move.to, move.reason, toDbInstant(move.at), move.from, ...chunk],
        )),
      );
    }
    return moved;
  }

  /** Moves the post's variants that are still in one of `following` to `state` (they follow their post). */
  async moveFollowingVariants(
    postId: string,
    following: readonly PublishState[],
    change: { state: PublishState; scheduledAt: Date | null; at: Date },
  ): Promise<void> {
    await this.transactions.manager
      .createQueryBuilder()
      .update(PostVariantEntity)
      .set({ state: change.state, scheduledAt: change.scheduledAt, updatedAt: change.at })
      .where('post_id = :id AND state IN (:...following)', { id: postId, following })
      .execute();
  }

  variantsOf(postId: string): Promise<PostVariantEntity[]> {
    return this.transactions.manager.getRepository(PostVariantEntity).findBy({ postId });
  }

  /**
   * Makes the post's variants those of its file: removes the variants of channels the file no longer names,
   * rewrites the text, media and extras of the others (in the post's state) and adds the new ones.
   */
  async replaceVariants(post: PostEntity, variants: readonly VariantContent[], at: Date): Promise<void> {
    const repository = this.transactions.manager.getRepository(PostVariantEntity);
    await repository.delete({ postId: post.id, channelId: Not(In(variants.map((v) => v.channelId))) });
    for (const { channelId, text, title, media, extra } of variants) {
      const existing = await repository.findOneBy({ postId: post.id, channelId });
      if (existing) {
        await repository.update(
          { id: existing.id },
          { text, title, media, extra, state: post.state, updatedAt: at },
        );
      } else {
        await repository.insert(
          repository.create({
            postId: post.id,
            channelId,
            state: post.state,
            text,
            title,
            media,
            extra,
            idempotencyKey: `${post.id}:${channelId}`,
            remoteId: null,
            remoteUrl: null,
            attempts: 0,
            lastError: null,
            scheduledAt: null,
            publishedAt: null,
            updatedAt: at,
          }),
        );
      }
    }
  }

  /** Cancels a variant still waiting to go out (`scheduled`); false if it had moved on. */
  async cancelWaitingVariant(variantId: string, reason: string, at: Date): Promise<boolean> {
    const moved = await this.transactions.manager
      .getRepository(PostVariantEntity)
      .update(
        { id: variantId, state: 'scheduled' },
        { state: 'cancelled', lastError: reason, updatedAt: at },
      );
    return moved.affected === 1;
  }

  /** The channel ids of a brand, by channel key. */
  async channelIdsOf(brandId: string): Promise<Map<string, string>> {
    const rows = await this.transactions.manager.getRepository(ChannelEntity).findBy({ brandId });
    return new Map(rows.map((row) => [row.key, row.id]));
  }

  /** The distinct publish times of the posts (but one, and the cancelled ones) on any of these channels. */
  async publishTimesOn(channelIds: readonly string[], excludePostId: string): Promise<Date[]> {
    const taken = await this.transactions.manager
      .createQueryBuilder(PostEntity, 'post')
      .innerJoin(PostVariantEntity, 'variant', 'variant.post_id = post.id')
      .where('variant.channel_id IN (:...channelIds)', { channelIds })
      .andWhere('post.id <> :exclude', { exclude: excludePostId })
      .andWhere("post.state <> 'cancelled'")
      .andWhere('post.publish_at IS NOT NULL')
      .select('DISTINCT post.publish_at', 'publishAt')
      .getRawMany<{ publishAt: string }>();
    return taken.map((row) => new Date(row.publishAt));
  }

  /** A brand's posts imported from a file not in `files`, in one of `states` (or, with `not`, in none of them). */
  fromFilesOtherThan(
    brandId: string,
    files: readonly string[],
    states: { in: readonly PublishState[] } | { not: readonly PublishState[] },
  ): Promise<PostEntity[]> {
    return this.transactions.manager.getRepository(PostEntity).find({
      where: {
        brandId,
        state: 'in' in states ? In([...states.in]) : Not(In([...states.not])),
        sourcePath: Not(In(files.length > 0 ? [...files] : [''])),
      },
    });
  }

  /** The post's state changes, newest first, as the audit log recorded them (`from` and `to`). */
  async stateChangesOf(postId: string): Promise<Array<{ from?: PublishState; to?: PublishState }>> {
    const events = await this.transactions.manager
      .getRepository(AuditEventEntity)
      .createQueryBuilder('event')
      .where('event.subject_type = :type AND event.subject_id = :id AND event.action = :action', {
        type: 'post',
        id: postId,
        action: 'post.state_changed',
      })
      .orderBy('event.id', 'DESC')
      .getMany();
    return events.map((event) => event.data as { from?: PublishState; to?: PublishState });
  }
}
