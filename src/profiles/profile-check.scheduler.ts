import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../clock/clock';
import { ProfileChecker } from './profile-checker.service';
import { logRoundFailure } from '../app/dependency-outage.log';

/**
 * The scheduler role's profile tick. It looks every 10 minutes, but each channel is fetched once per
 * PROFILE_CHECK_EVERY_MS (6 h) across the cluster: the channel's `profile_checks` row is the claim.
 */
@Injectable()
export class ProfileCheckScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('ProfileCheckScheduler');
  private running = false;

  constructor(
    private readonly checker: ProfileChecker,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    setTimeout(() => void this.tick(), 60_000).unref();
  }

  @Interval('profile-check-tick', 10 * 60_000)
  async tick(now = this.clock.now()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      await this.checker.check(now);
    } catch (error) {
      logRoundFailure(this.logger, 'profile check', error);
    } finally {
      this.running = false;
    }
  }
}
