import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionContext } from '../../persistence/transaction-context';
import { CalendarFeedEntity } from '../session/calendar-feed.entity';

/** The `calendar_feeds` table: secret calendar URLs, kept by the sha256 of their token. */
@Injectable()
export class CalendarFeedRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** The person's feeds that are not revoked, oldest first. */
  activeOf(person: string): Promise<CalendarFeedEntity[]> {
    return this.feeds().find({ where: { person, revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  byHash(tokenHash: string): Promise<CalendarFeedEntity | null> {
    return this.feeds().findOneBy({ tokenHash });
  }

  async insert(feed: CalendarFeedEntity): Promise<void> {
    await this.feeds().insert(feed);
  }

  /** Revokes the feed; false when it was revoked already. */
  async revoke(tokenHash: string, at: Date): Promise<boolean> {
    const result = await this.feeds().update({ tokenHash, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) === 1;
  }

  private feeds() {
    return this.transactions.manager.getRepository(CalendarFeedEntity);
  }
}
