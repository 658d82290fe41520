import { Clock } from '../clock/clock';
import { Injectable, Logger } from '@nestjs/common';
import type { RuleConfig } from '../config/schema/metronome-config.schema';
import type { RuleEvent } from '../config/schema/rules.schema';
import { CompiledRules } from './compiled-rules';
import { RuleActions } from './rule-actions';
import { RuleFiringRepository } from './rule-firing.repository';
import type { Facts } from './rule-facts.builder';
import { ruleMatchTitle } from './rule-match.title';
import { timeOrderedId } from '../persistence/time-ordered-id';

/** One new subject of a batch (an inbox item, say) with the facts its rules read. */
export interface BatchSubject {
  subjectKey: string;
  facts: Facts;
  /** Describes the subject; the rule's name is put in front of it. */
  title: string;
  at: Date;
}

/** A rule whose condition holds for a subject, not yet recorded. */
export interface BatchMatch {
  firingId: string;
  rule: RuleConfig;
  brandId: string;
  subjectKey: string;
  title: string;
  at: Date;
  /** What the condition saw: notify messages render it. */
  facts: Facts;
}

/**
 * Evaluates many NEW subjects of one trigger at once — the inbox path, where thousands of comments arrive
 * together — in three steps the caller strings together: `match` runs the conditions in memory over facts
 * the caller built; `record` writes the firings (RuleFiringRepository) inside the caller's transaction
 * (the one that stores the subjects, so both commit together; the partial unique index still allows one
 * open firing per rule and subject); `act` runs the actions after the commit and marks the firings acted.
 * A crash between commit and `act` leaves firings that RuleActions.recover carries out later.
 */
@Injectable()
export class RuleBatchEvaluator {
  private readonly logger = new Logger('Rules');

  constructor(
    private readonly rules: CompiledRules,
    private readonly actions: RuleActions,
    private readonly firings: RuleFiringRepository,
    private readonly clock: Clock,
  ) {}

  match(
    trigger: RuleEvent,
    brandId: string,
    subjects: readonly BatchSubject[],
    stage: string,
  ): { matches: BatchMatch[]; evaluations: number } {
    const rules = this.rules.forEvent(trigger, brandId).filter((rule) => !rule.stage || rule.stage === stage);
    const matches: BatchMatch[] = [];
    let evaluations = 0;
    for (const rule of rules) {
      const condition = this.rules.condition(rule);
      for (const subject of subjects) {
        evaluations++;
        try {
          if (condition(subject.facts)) {
            matches.push({
              firingId: timeOrderedId(),
              rule,
              brandId,
              subjectKey: subject.subjectKey,
              title: ruleMatchTitle(rule, subject.title),
              at: subject.at,
              facts: subject.facts,
            });
          }
        } catch (error) {
          this.logger.error(
            `rule ${rule.name}: condition failed on ${subject.subjectKey}: ${(error as Error).message}`,
          );
        }
      }
    }
    return { matches, evaluations };
  }

  /**
   * Records the firings in the transaction open in the TransactionContext (the one that stores the subjects),
   * skipping those already open; returns the new ones.
   */
  async record(matches: readonly BatchMatch[]): Promise<BatchMatch[]> {
    const created = await this.firings.insertNew(
      matches.map((match) => ({
        id: match.firingId,
        rule: match.rule.name,
        subjectKey: match.subjectKey,
        brandId: match.brandId,
        firedAt: match.at,
        title: match.title,
      })),
    );
    return matches.filter((match) => created.has(match.firingId));
  }

  /** Runs the actions of recorded firings (after their commit) and marks them acted. */
  async act(fired: readonly BatchMatch[]): Promise<void> {
    await this.actions.executeMany(fired);
    await this.firings.markActed(
      fired.map((match) => match.firingId),
      this.clock.now(),
    );
  }
}
