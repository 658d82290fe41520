import { Global, Module } from '@nestjs/common';
import { DomainEventBus } from './domain-event.bus';
import { EventOutboxRepository } from './event-outbox.repository';
import { TransactionalEvents } from './transactional-events';

/** One event bus per process, shared by every feature that publishes or reacts. */
@Global()
@Module({
  providers: [DomainEventBus, EventOutboxRepository, TransactionalEvents],
  exports: [DomainEventBus, TransactionalEvents],
})
export class EventsModule {}
