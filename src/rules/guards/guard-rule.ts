import type { MetronomeConfig } from '../../config/schema/metronome-config.schema';
import type { JsonObject } from '../../persistence/json-value';
import type { RuleFactsRepository } from '../rule-facts.repository';

/** Something a guard found wrong: one incident per finding, resolved when the finding disappears. */
export interface Finding {
  brandId: string;
  subjectKey: string;
  title: string;
  severity: 'info' | 'warning' | 'critical';
  details: JsonObject;
}

export interface GuardContext {
  config: MetronomeConfig;
  /** What guards read from the database. */
  facts: RuleFactsRepository;
  now: Date;
  /** The guard's `after` from config, or undefined for its default. */
  thresholdMs?: number;
}

/**
 * A built-in rule. `onByDefault` says whether it runs without a `guards.<name>` entry (README "Guard
 * defaults" gives each one's reason); `guards.<name>: false` turns it off, an object tunes (and turns on) it.
 */
export interface GuardRule {
  readonly name: string;
  readonly onByDefault: boolean;
  findings(context: GuardContext): Promise<Finding[]>;
}
