import { Injectable } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { TransactionalEvents } from '../events/transactional-events';
import type { PostEntity, PublishState } from './post.entity';
import { PostStateService } from './post-state.service';
import { PostRepository } from './post.repository';
import { InvalidError, NotFoundError } from '../errors/domain.error';

/** The states a held post goes back to; from any other it goes back to review. */
const RELEASABLE_TO: readonly PublishState[] = ['in_review', 'approved', 'scheduled'];

/**
 * Releases a post a rule held: it goes back to the state it was held from (review, approved or scheduled),
 * so approvals already given still count. A scheduled post whose time passed while it was held is then
 * handled by the missed-post policy like any late post.
 */
@Injectable()
export class PostReleaseService {
  constructor(
    private readonly events: TransactionalEvents,
    private readonly states: PostStateService,
    private readonly posts: PostRepository,
    private readonly clock: Clock,
  ) {}

  /** `person` is a person id from the config, checked by the caller. */
  async release(postId: string, person: string, at?: Date): Promise<{ post: PostEntity; to: PublishState }> {
    const releasedAt = at ?? this.clock.now();
    return this.events.run(async () => {
      const post = await this.posts.byId(postId);
      if (!post) {
        throw new NotFoundError(`no post ${postId}: see \`metronome posts list --state held\``);
      }
      if (post.state !== 'held') {
        throw new InvalidError(`post "${post.title}" is ${post.state}, not held`);
      }
      const held = (await this.posts.stateChangesOf(post.id)).find((change) => change.to === 'held');
      const to: PublishState = held?.from && RELEASABLE_TO.includes(held.from) ? held.from : 'in_review';
      const moved = await this.states.transition(post, to, {
        actor: person,
        reason: `released by ${person}`,
        at: releasedAt,
      });
      if (!moved) {
        throw new InvalidError(`post "${post.title}" changed while it was being released: try again`);
      }
      return { post, to };
    });
  }
}
