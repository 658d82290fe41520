import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { RuleActionExecutor, RuleMatch } from './rule-action.executor';
import { RuleFactsRepository } from './rule-facts.repository';
import { RuleFiringRepository } from './rule-firing.repository';

/** A firing this old whose actions have not run belongs to a process that died in between. */
const RECOVER_AFTER_MS = 60_000;
/** Firings recovered per tick. */
const RECOVER_PER_TICK = 200;

/**
 * The actions of rule firings, at least once: a firing is committed first, its actions run after the
 * commit, then it is marked acted. `recover` runs the actions of firings a dead process left unacted
 * (escalations are idempotent per subject; a notification may then go out twice, never zero times).
 */
@Injectable()
export class RuleActions {
  private readonly logger = new Logger('Rules');

  constructor(
    private readonly firings: RuleFiringRepository,
    private readonly facts: RuleFactsRepository,
    private readonly config: ConfigService,
    private readonly executor: RuleActionExecutor,
  ) {}

  execute(match: RuleMatch): Promise<void> {
    return this.executor.execute(match);
  }

  /** Actions of many firings: escalations open in one batch. */
  executeMany(matches: readonly RuleMatch[]): Promise<void> {
    return this.executor.executeMany(matches);
  }

  /** Carries out the actions of firings left unacted by a process that died; returns how many. */
  async recover(now: Date): Promise<number> {
    const pending = await this.firings.unactedBefore(
      new Date(now.getTime() - RECOVER_AFTER_MS),
      RECOVER_PER_TICK,
    );
    for (const firing of pending) {
      const rule = this.config.loaded.config.rules.find((candidate) => candidate.name === firing.rule);
      if (rule && firing.brandId) {
        this.logger.warn(
          `rule ${rule.name}: running the actions a stopped process left for ${firing.subjectKey}`,
        );
        await this.executor.execute({
          rule,
          brandId: firing.brandId,
          subjectKey: firing.subjectKey,
          postId: await this.postOf(firing.subjectKey),
          title: firing.title ?? `Rule "${rule.name}"`,
          at: firing.firedAt,
        });
      } else {
        this.logger.warn(`rule ${firing.rule} is no longer configured: its pending actions are dropped`);
      }
      await this.firings.markActed([firing.id], now);
    }
    return pending.length;
  }

  private async postOf(subjectKey: string): Promise<string | undefined> {
    const [type, id] = subjectKey.split(':', 2);
    if (type === 'post') {
      return id;
    }
    if (type === 'approval') {
      return (await this.facts.approval(id))?.postId;
    }
    return undefined;
  }
}
