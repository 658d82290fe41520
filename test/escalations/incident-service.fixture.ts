import type { DataSource } from 'typeorm';
import { IncidentRepository } from '../../src/escalations/incident.repository';
import { IncidentService } from '../../src/escalations/incident.service';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';

/** The incidents repository on `dataSource`, for a test that builds its services without Nest. */
export function incidentRepository(dataSource: DataSource): IncidentRepository {
  return new IncidentRepository(new TransactionContext(dataSource));
}

/** IncidentService on `dataSource`, for a test that builds its services without Nest. */
export function incidentService(dataSource: DataSource): IncidentService {
  const tx = new TransactionContext(dataSource);
  return new IncidentService(new IncidentRepository(tx), new AuditRepository(dataSource), tx);
}
