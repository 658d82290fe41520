import { Injectable } from '@nestjs/common';
import { PostEntity } from '../content/post.entity';
import { TransactionContext } from '../persistence/transaction-context';

/**
 * The posts a rule's hold, tag and assign actions change (the `posts` table is content's: these are the two
 * fields rules set on it). Works in the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class RuleActionPostRepository {
  constructor(private readonly transactions: TransactionContext) {}

  byId(id: string): Promise<PostEntity | null> {
    return this.transactions.manager.getRepository(PostEntity).findOneBy({ id });
  }

  async setTags(postId: string, tags: string[]): Promise<void> {
    await this.transactions.manager.getRepository(PostEntity).update({ id: postId }, { tags });
  }

  async assign(postId: string, assignee: string): Promise<void> {
    await this.transactions.manager.getRepository(PostEntity).update({ id: postId }, { assignee });
  }
}
