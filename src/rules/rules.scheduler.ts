import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ConfigService } from '../config/config.service';
import { CycleService } from '../cycles/cycle.service';
import { EscalationSweeper } from '../escalations/escalation.sweeper';
import { GuardRuleRunner } from './guard-rule.runner';
import { RuleEngine } from './rule.engine';

/**
 * The scheduler role's tick: cycle stages, guard rules, `every:` rules, then escalation steps that have come due.
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
  ) {}

  @Interval('rules-tick', 30_000)
  async tick(now = new Date()): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      await this.cycles.tick(this.config.loaded.config, now);
      await this.guards.run(now);
      await this.engine.runScheduled(now);
      await this.sweeper.sweep(now);
    } catch (error) {
      this.logger.error(`rule tick failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
