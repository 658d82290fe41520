import { Injectable } from '@nestjs/common';
import { Clock } from '../clock/clock';
import type { RuleEvent } from '../config/schema/rules.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import type { PostEntity, PublishState } from './post.entity';
import { canTransition } from './post-state-machine';
import { PostRepository } from './post.repository';

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
export interface TransitionOptions {
  actor: string;
  reason?: string;
  at?: Date;
}

/**
 * Moves posts through the publish state machine. Each move is a conditional UPDATE on the state the
 * caller saw, inside the caller's transaction (`TransactionalEvents.run`), with an audit event: a caller
 * that lost a race changes nothing and learns it from the `false` it gets back.
 */
@Injectable()
export class PostStateService {
  constructor(
    private readonly posts: PostRepository,
    private readonly audit: AuditRepository,
    private readonly events: TransactionalEvents,
    private readonly clock: Clock,
  ) {}

  async transition(post: PostEntity, to: PublishState, options: TransitionOptions): Promise<boolean> {
    const from = post.state;
    if (!canTransition(from, to)) {
      throw new Error(`post ${post.id} cannot go from ${from} to ${to}`);
    }
    const at = options.at ?? this.clock.now();
    if (!(await this.posts.moveState(post.id, { from, to, reason: options.reason ?? null, at }))) {
      return false;
    }
    await this.audit.append({
      actor: options.actor,
      action: 'post.state_changed',
      subjectType: 'post',
      subjectId: post.id,
      data: { from, to, ...(options.reason ? { reason: options.reason } : {}) },
      at,
    });
    if (MIRRORED_STATES.includes(to)) {
      await this.posts.moveFollowingVariants(post.id, VARIANTS_STILL_FOLLOWING, {
        state: to,
        scheduledAt: to === 'scheduled' ? post.publishAt : null,
        at,
      });
    }
    post.state = to;
    post.stateReason = options.reason ?? null;
    const event = EVENT_ON_ENTRY[to];
    if (event) {
      this.events.record({
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
   * and event as `transition`, batched (`PostRepository.moveStates`, `AuditRepository.appendMany`). For the publishing hot path, so not for states the variants follow (`transition` mirrors those).
   * `brandOf` names each post's brand for its event. Returns the ids that moved (a post another worker moved
   * first is left out).
   */
  async transitionMany(
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
    const at = options.at ?? this.clock.now();
    const moved = await this.posts.moveStates(postIds, { from, to, reason: options.reason ?? null, at });
    await this.audit.appendMany(
      moved.map((id) => ({
        actor: options.actor,
        action: 'post.state_changed',
        subjectType: 'post',
        subjectId: id,
        data: { from, to, ...(options.reason ? { reason: options.reason } : {}) },
        at,
      })),
    );
    if (event && options.brandOf) {
      for (const id of moved) {
        this.events.record({
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
