import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';
import type { JsonObject } from './json-value';

export interface AuditEventInput {
  actor: string;
  /** Dotted verb, e.g. "post.state_changed". */
  action: string;
  subjectType: string;
  subjectId: string;
  data?: JsonObject;
  at?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Pass the caller's transaction manager so the event commits or rolls back with the change it describes. */
  async append(
    event: AuditEventInput,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AuditEventEntity> {
    const repository = manager.getRepository(AuditEventEntity);
    const row = repository.create({
      at: event.at ?? new Date(),
      actor: event.actor,
      action: event.action,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      data: event.data ?? {},
    });
    // insert, not save: save() selects the row back, and the audit log is on every state change's hot path.
    await repository.insert(row);
    return row;
  }
}
