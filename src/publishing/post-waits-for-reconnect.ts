import type { EntityManager } from 'typeorm';
import type { PostStateService, TransitionOptions } from '../content/post-state.service';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity } from '../persistence/entities/post.entity';

/**
 * A post whose variant now waits for its channel to be reconnected goes back from `publishing` to `scheduled`,
 * with the reason, when none of its variants went out or is going out: it is then a scheduled post in every view,
 * an edit of its file re-imports it and deleting the file cancels it, as for any scheduled post. A post with a
 * variant published or under way stays `publishing`: it has (partly) gone out, and a published post is never
 * rewritten. Runs in the caller's transaction, right after the variant moved back to `scheduled`.
 */
export async function postWaitsForReconnect(
  manager: EntityManager,
  postId: string,
  { postStates }: { postStates: PostStateService },
  options: TransitionOptions & { reason: string },
): Promise<boolean> {
  const post = await manager.getRepository(PostEntity).findOneBy({ id: postId });
  if (post?.state !== 'publishing') {
    return false;
  }
  const variants = await manager.getRepository(PostVariantEntity).findBy({ postId });
  if (variants.some((variant) => variant.state !== 'scheduled')) {
    return false;
  }
  return postStates.transition(post, 'scheduled', options);
}
