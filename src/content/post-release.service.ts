import { Injectable } from '@nestjs/common';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditEventEntity } from '../persistence/entities/audit-event.entity';
import { PostEntity, PublishState } from '../persistence/entities/post.entity';
import { PostStateService } from './post-state.service';
import { InvalidError, NotFoundError } from '../errors/domain.error';

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
  ) {}

  /** `person` is a person id from the config, checked by the caller. */
  async release(
    postId: string,
    person: string,
    at = new Date(),
  ): Promise<{ post: PostEntity; to: PublishState }> {
    return this.events.run(async (manager) => {
      const post = await manager.getRepository(PostEntity).findOneBy({ id: postId });
      if (!post) {
        throw new NotFoundError(`no post ${postId}: see \`metronome posts list --state held\``);
      }
      if (post.state !== 'held') {
        throw new InvalidError(`post "${post.title}" is ${post.state}, not held`);
      }
      const heldAt = await manager
        .getRepository(AuditEventEntity)
        .createQueryBuilder('event')
        .where('event.subject_type = :type AND event.subject_id = :id AND event.action = :action', {
          type: 'post',
          id: post.id,
          action: 'post.state_changed',
        })
        .orderBy('event.id', 'DESC')
        .getMany();
      const held = heldAt.find((event) => (event.data as { to?: string }).to === 'held');
      const from = (held?.data as { from?: PublishState } | undefined)?.from;
      const to: PublishState =
        from && ['in_review', 'approved', 'scheduled'].includes(from) ? from : 'in_review';
      const moved = await this.states.transition(manager, post, to, {
        actor: person,
        reason: `released by ${person}`,
        at,
      });
      if (!moved) {
        throw new InvalidError(`post "${post.title}" changed while it was being released: try again`);
      }
      return { post, to };
    });
  }
}
