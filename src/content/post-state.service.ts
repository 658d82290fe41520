import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { RuleEvent } from '../config/schema/rules.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders, returningIds } from '../persistence/sql-placeholders';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity, PublishState } from '../persistence/entities/post.entity';

/** Before publishing, a post's channel variants follow the post; from then on each variant has its own fate. */
const MIRRORED_STATES: readonly PublishState[] = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'held',
  'cancelled',
];
/** The rule events a post emits when it enters a state. */
const EVENT_ON_ENTRY: Partial<Record<PublishState, RuleEvent>> = {
  in_review: 'post.submitted',
  scheduled: 'post.scheduled',
  published: 'post.published',
  failed: 'post.failed',
};
const VARIANTS_STILL_FOLLOWING: readonly PublishState[] = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'held',
  'cancelled',
];
import { canTransition } from './post-state-machine';

export interface TransitionOptions {
  actor: string;
  reason?: string;
  at?: Date;
}

/**
 * Moves posts through the publish state machine. Each move is a conditional UPDATE on the state the
 * caller saw, inside the caller's transaction, with an audit event: a caller that lost a race changes
 * nothing and learns it from the `false` it gets back.
 */
@Injectable()
export class PostStateService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly events: TransactionalEvents,
  ) {}

  async transition(
    manager: EntityManager,
    post: PostEntity,
    to: PublishState,
    options: TransitionOptions,
  ): Promise<boolean> {
    const from = post.state;
    if (!canTransition(from, to)) {
      throw new Error(`post ${post.id} cannot go from ${from} to ${to}`);
    }
    const at = options.at ?? new Date();
    const p = placeholders(manager);
    const affected = await executeCounting(
      manager,
      `UPDATE "posts" SET "state" = ${p(1)}, "state_reason" = ${p(2)}, "updated_at" = ${p(3)}, "version" = "version" + 1 WHERE "id" = ${p(4)} AND "state" = ${p(5)}`,
      [to, options.reason ?? null, toDbInstant(at), post.id, from],
    );
    if (affected !== 1) {
      return false;
    }
    await this.audit.append(
      {
        actor: options.actor,
        action: 'post.state_changed',
        subjectType: 'post',
        subjectId: post.id,
        data: { from, to, ...(options.reason ? { reason: options.reason } : {}) },
        at,
      },
      manager,
    );
    if (MIRRORED_STATES.includes(to)) {
      await manager
        .createQueryBuilder()
        .update(PostVariantEntity)
        .set({ state: to, scheduledAt: to === 'scheduled' ? post.publishAt : null, updatedAt: at })
        .where('post_id = :id AND state IN (:...following)', {
          id: post.id,
          following: VARIANTS_STILL_FOLLOWING,
        })
        .execute();
    }
    post.state = to;
    post.stateReason = options.reason ?? null;
    const event = EVENT_ON_ENTRY[to];
    if (event) {
      this.events.record(manager, {
        type: event,
        brandId: post.brandId,
        subject: { type: 'post', id: post.id },
        at,
      });
    }
    return true;
  }

  /**
   * Many posts from one state to another, in the caller's transaction: the same conditional move, audit row
   * and event as `transition`, one UPDATE … RETURNING per chunk of 400 and one multi-row audit INSERT per
   * 200. For the publishing hot path, so not for states the variants follow (`transition` mirrors those).
   * `brandOf` names each post's brand for its event. Returns the ids that moved (a post another worker moved
   * first is left out).
   */
  async transitionMany(
    manager: EntityManager,
    postIds: readonly string[],
    move: { from: PublishState; to: PublishState },
    options: TransitionOptions & { brandOf?: (postId: string) => string },
  ): Promise<string[]> {
    const { from, to } = move;
    if (!canTransition(from, to) || MIRRORED_STATES.includes(to)) {
      throw new Error(`posts cannot go from ${from} to ${to} in a batch`);
    }
    const event = EVENT_ON_ENTRY[to];
    if (event && !options.brandOf) {
      throw new Error(`moving posts to ${to} emits ${event}: pass brandOf`);
    }
    const at = options.at ?? new Date();
    const p = placeholders(manager);
    const moved: string[] = [];
    for (let start = 0; start < postIds.length; start += 400) {
      const chunk = postIds.slice(start, start + 400);
      moved.push(
        ...(await returningIds(
          manager,
          `UPDATE "posts" SET "state" = ${p(1)}, "state_reason" = ${p(2)}, "updated_at" = ${p(3)}, "version" = "version" + 1 WHERE "state" = ${p(4)} AND "id" IN (${chunk.map((_, i) => p(i + 5)).join(', ')}) RETURNING "id"`,
          [to, options.reason ?? null, toDbInstant(at), from, ...chunk],
        )),
      );
    }
    await this.audit.appendMany(
      moved.map((id) => ({
        actor: options.actor,
        action: 'post.state_changed',
        subjectType: 'post',
        subjectId: id,
        data: { from, to, ...(options.reason ? { reason: options.reason } : {}) },
        at,
      })),
      manager,
    );
    if (event && options.brandOf) {
      for (const id of moved) {
        this.events.record(manager, {
          type: event,
          brandId: options.brandOf(id),
          subject: { type: 'post', id },
          at,
        });
      }
    }
    return moved;
  }
}
