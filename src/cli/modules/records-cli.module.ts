import { Module, type DynamicModule } from '@nestjs/common';
import { ContentModule } from '../../content/content.module';
import { CycleStatusQuery } from '../../cycles/cycle-status.query';
import { IncidentReachQuery } from '../../escalations/incident-reach.query';
import { IncidentService } from '../../escalations/incident.service';
import { InboxService } from '../../inbox/inbox.service';
import { MetricCollectionRepository } from '../../metrics/metric-collection.repository';
import { ReportRepository } from '../../reporting/report.repository';
import { CliDatabaseModule } from './cli-database.module';

const RECORDS = [
  CycleStatusQuery,
  IncidentReachQuery,
  IncidentService,
  InboxService,
  MetricCollectionRepository,
  ReportRepository,
];

/**
 * The role of the commands that read and change records (posts, approvals, plan sync, incidents, inbox
 * items, reports, tokens, cycles, migrations): the database and the content services, no plugins, no
 * queue, no rules. The feature modules that own IncidentService and InboxService also bring notifiers,
 * connectors and the queue, so those services are provided here on their own.
 */
@Module({})
export class RecordsCliModule {
  static forRoot(): DynamicModule {
    return {
      module: RecordsCliModule,
      imports: [CliDatabaseModule.forRoot(), ContentModule],
      providers: RECORDS,
      exports: [ContentModule, ...RECORDS],
    };
  }
}
