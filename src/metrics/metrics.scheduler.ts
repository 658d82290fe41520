import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../clock/clock';
import { MetricsCollector } from './metrics-collector.service';
import { databaseAnswered, logRoundFailure } from '../app/dependency-outage.log';

/**
 * The scheduler role's metrics tick. Each (channel, day) is claimed in the database before it is fetched,
 * so a day is collected once however many schedulers run; a tick with nothing due costs a few reads.
 */
@Injectable()
export class MetricsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('MetricsScheduler');
  private running = false;

  constructor(
    private readonly collector: MetricsCollector,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // Catch up on days missed while down soon after start, not only at the first interval.
    setTimeout(() => void this.tick(), 30_000).unref();
  }

  @Interval('metrics-tick', 10 * 60_000)
  async tick(now = this.clock.now()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      await this.collector.collect(now);
      databaseAnswered();
    } catch (error) {
      logRoundFailure(this.logger, 'metrics tick', error);
    } finally {
      this.running = false;
    }
  }
}
