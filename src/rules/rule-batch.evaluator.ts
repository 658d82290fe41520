import { Clock } from '../clock/clock';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RuleConfig } from '../config/schema/metronome-config.schema';
import type { RuleEvent } from '../config/schema/rules.schema';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { CompiledRules } from './compiled-rules';
import { RuleActions } from './rule-actions';
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

const FIRINGS_PER_INSERT = 400;

/**
 * Evaluates many NEW subjects of one trigger at once — the inbox path, where thousands of comments arrive
 * together — in three steps the caller strings together: `match` runs the conditions in memory over facts
 * the caller built; `record` writes the firings with multi-row inserts inside the caller's transaction
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

  /** Inserts the firings in `manager`'s transaction, skipping those already open; returns the new ones. */
  async record(manager: EntityManager, matches: readonly BatchMatch[]): Promise<BatchMatch[]> {
    const created = new Set<string>();
    const p = placeholders(manager);
    for (let i = 0; i < matches.length; i += FIRINGS_PER_INSERT) {
      const values: unknown[] = [];
      const rows = matches.slice(i, i + FIRINGS_PER_INSERT).map((match) => {
        const base = values.length;
        values.push(
          match.firingId,
          match.rule.name,
          match.subjectKey,
          match.brandId,
          toDbInstant(match.at),
          match.title,
        );
        return `(${Array.from({ length: 6 }, (_, k) => p(base + k + 1)).join(', ')}, NULL, NULL)`;
      });
      const inserted = await manager.query<Array<{ id: string }>>(
        `INSERT INTO "rule_firings" ("id", "rule", "subject_key", "brand_id", "fired_at", "title", "cleared_at", "acted_at") VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING "id"`,
        values,
      );
      for (const { id } of inserted) {
        created.add(id);
      }
    }
    return matches.filter((match) => created.has(match.firingId));
  }

  /** Runs the actions of recorded firings (after their commit) and marks them acted. */
  async act(fired: readonly BatchMatch[]): Promise<void> {
    await this.actions.executeMany(fired);
    await this.actions.markActed(
      fired.map((match) => match.firingId),
      this.clock.now(),
    );
  }
}
