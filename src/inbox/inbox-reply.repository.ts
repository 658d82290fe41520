import { Injectable } from '@nestjs/common';
import { LessThanOrEqual, type FindOptionsWhere } from 'typeorm';
import { TransactionContext } from '../persistence/transaction-context';
import { InboxReplyEntity, type InboxReplyState } from './inbox-reply.entity';

/** What changes with a reply's state; everything else stays as it is. */
export type InboxReplyChange = Partial<
  Pick<InboxReplyEntity, 'remoteId' | 'url' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'sentAt'>
>;

/**
 * The `inbox_replies` table. Every state change is conditional on the state and `updated_at` the caller read, so
 * of two workers (an inline send and the scheduler tick, two replicas) exactly one moves a reply on. Every method
 * works in the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class InboxReplyRepository {
  constructor(private readonly transactions: TransactionContext) {}

  async insert(reply: InboxReplyEntity): Promise<void> {
    await this.replies().insert(reply);
  }

  byId(id: string): Promise<InboxReplyEntity | null> {
    return this.replies().findOneBy({ id });
  }

  /** The item's replies, oldest first. */
  ofItem(itemId: string): Promise<InboxReplyEntity[]> {
    return this.replies().find({ where: { itemId }, order: { requestedAt: 'ASC' } });
  }

  /** Pending replies due at `now`, and `sending` ones untouched since `staleBefore` (left by a stopped process). */
  due(now: Date, staleBefore: Date, limit: number): Promise<InboxReplyEntity[]> {
    const where: FindOptionsWhere<InboxReplyEntity>[] = [
      { state: 'pending', nextAttemptAt: LessThanOrEqual(now) },
      { state: 'sending', updatedAt: LessThanOrEqual(staleBefore) },
    ];
    return this.replies().find({ where, order: { requestedAt: 'ASC' }, take: limit });
  }

  /**
   * Moves the reply from the state and `updated_at` the caller read to `to`, with `change`; false when another
   * worker moved it first (the caller then does nothing). The row in hand is updated on success.
   */
  async move(
    reply: InboxReplyEntity,
    to: InboxReplyState,
    change: InboxReplyChange,
    now: Date,
  ): Promise<boolean> {
    const moved = await this.replies().update(
      { id: reply.id, state: reply.state, updatedAt: reply.updatedAt },
      { ...change, state: to, updatedAt: now },
    );
    if (!moved.affected) {
      return false;
    }
    Object.assign(reply, change, { state: to, updatedAt: now });
    return true;
  }

  private replies() {
    return this.transactions.manager.getRepository(InboxReplyEntity);
  }
}
