import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent } from './domain-event';

export type DomainEventHandler = (event: DomainEvent) => Promise<void>;

/**
 * In-process publish/subscribe. Publishers call `publish` after their transaction commits, so a handler
 * never sees a change that is later rolled back. A failing handler is logged and does not stop the others.
 * Durability comes from TransactionalEvents' outbox: an event whose process died before handling it is
 * published again by the scheduler, so handlers must be idempotent (the rule engine is, per subject).
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger('Events');
  private readonly handlers: DomainEventHandler[] = [];

  subscribe(handler: DomainEventHandler): void {
    this.handlers.push(handler);
  }

  async publish(events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers) {
        try {
          await handler(event);
        } catch (error) {
          this.logger.error(
            `${event.type} ${event.subject.type}:${event.subject.id}: ${(error as Error).message}`,
          );
        }
      }
    }
  }
}
