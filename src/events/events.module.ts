import { Global, Module } from '@nestjs/common';
import { DomainEventBus } from './domain-event.bus';
import { TransactionalEvents } from './transactional-events';

/** One event bus per process, shared by every feature that publishes or reacts. */
@Global()
@Module({ providers: [DomainEventBus, TransactionalEvents], exports: [DomainEventBus, TransactionalEvents] })
export class EventsModule {}
