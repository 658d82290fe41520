import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../clock/clock';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { InboxPoller } from './inbox.poller';
import { InboxReplySender } from './inbox-reply.sender';
import { logRoundFailure } from '../app/dependency-outage.log';

/**
 * The scheduler role reads every channel's inbox every two minutes, and sends the replies that are due (after a
 * rate limit or a failed attempt) or were left `sending` by a process that stopped (looked up first).
 */
@Injectable()
export class InboxScheduler {
  private readonly logger = new Logger('Inbox');
  private running = false;

  constructor(
    private readonly poller: InboxPoller,
    private readonly replies: InboxReplySender,
    private readonly lease: ClusterLease,
    private readonly clock: Clock,
  ) {}

  @Interval('inbox-poll', 120_000)
  async tick(now = this.clock.now()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      // Once per cluster: the replica holding the lease polls, the others skip (TTL spans two missed ticks).
      await this.lease.runExclusive(
        'inbox-poll',
        async () => {
          await this.replies.resume(now);
          await this.poller.poll(now);
        },
        { ttlMs: 300_000 },
      );
    } catch (error) {
      logRoundFailure(this.logger, 'inbox poll', error);
    } finally {
      this.running = false;
    }
  }
}
