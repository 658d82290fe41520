import { Injectable, Logger, Module } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { logRoundFailure } from '../../app/dependency-outage.log';
import { WebLinkService } from '../session/web-link.service';
import { WebSessionService } from '../session/web-session.service';

/**
 * The scheduler role forgets ended web sessions and used or expired one-time links, every hour: sessions a
 * day after their absolute end, links a week after they expired (WebSessionService.prune, WebLinkService.prune).
 * Deleting is idempotent, so two schedulers doing it at once is harmless and no lease is needed.
 */
@Injectable()
export class WebPruneJob {
  private readonly logger = new Logger('WebPrune');

  constructor(
    private readonly sessions: WebSessionService,
    private readonly links: WebLinkService,
  ) {}

  @Interval('web-sessions-prune', 3_600_000)
  async tick(): Promise<void> {
    try {
      await this.run();
    } catch (error) {
      logRoundFailure(this.logger, 'web session and link pruning', error);
    }
  }

  async run(): Promise<void> {
    await this.sessions.prune();
    await this.links.prune();
  }
}

/** The scheduler role's hourly pruning of web sessions and links. */
@Module({ providers: [WebSessionService, WebLinkService, WebPruneJob] })
export class WebPruneSchedulerModule {}
