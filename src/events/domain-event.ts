import type { RuleEvent } from '../config/schema/rules.schema';

/** Something that happened, published after the change that caused it has committed. */
export interface DomainEvent {
  type: RuleEvent;
  brandId: string;
  subject: { type: 'post' | 'approval' | 'channel' | 'inbox' | 'cycle'; id: string };
  at: Date;
  /** Event-specific facts not stored elsewhere (the decision, the previous stage…). */
  data?: Record<string, string | number | boolean | null>;
}
