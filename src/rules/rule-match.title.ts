import type { RuleConfig } from '../config/schema/metronome-config.schema';

/**
 * An incident or notification title for a rule that fired on a subject: `Rule "refund-request": comment
 * from sam on sandbox: "…"`. The rule's description is a sentence about the rule, not a title; it goes in
 * the body.
 */
export function ruleMatchTitle(rule: Pick<RuleConfig, 'name'>, subject: string): string {
  return `Rule "${rule.name}": ${subject}`;
}
