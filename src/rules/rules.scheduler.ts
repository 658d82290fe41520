import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../clock/clock';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { ConfigService } from '../config/config.service';
import { CycleService } from '../cycles/cycle.service';
import { EscalationSweeper } from '../escalations/escalation.sweeper';
import { GuardRuleRunner } from './guard-rule.runner';
import { TransactionalEvents } from '../events/transactional-events';
import { RuleActions } from './rule-actions';
import { RuleEngine } from './rule.engine';
import { logRoundFailure } from '../app/dependency-outage.log';

/**
 * The scheduler role's tick: cycle stages, guard rules, `every:` rules, events and actions a stopped process left
 * unfinished,
 * then escalation steps that have come due.
 * One tick at a time; the incident and firing tables keep several schedulers from doubling anything.
 */
@Injectable()
export class RulesScheduler {
  private readonly logger = new Logger('RulesScheduler');
  private running = false;

  constructor(
    private readonly config: ConfigService,
    private readonly cycles: CycleService,
    private readonly guards: GuardRuleRunner,
    private readonly engine: RuleEngine,
    private readonly sweeper: EscalationSweeper,
    private readonly actions: RuleActions,
    private readonly events: TransactionalEvents,
    private readonly lease: ClusterLease,
    private readonly clock: Clock,
  ) {}

  @Interval('rules-tick', 30_000)
  async tick(now = this.clock.now()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      // Once per cluster: the replica holding the lease ticks, the others skip (TTL spans two missed ticks).
      await this.lease.runExclusive(
        'rules-tick',
        async () => {
          await this.cycles.tick(this.config.loaded.config, now);
          await this.guards.run(now);
          await this.engine.runScheduled(now);
          await this.events.redeliverStale(now);
          await this.actions.recover(now);
          await this.sweeper.sweep(now);
        },
        { ttlMs: 75_000 },
      );
    } catch (error) {
      logRoundFailure(this.logger, 'rule tick', error);
    } finally {
      this.running = false;
    }
  }
}
