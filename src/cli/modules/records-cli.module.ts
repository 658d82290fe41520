import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { LoadedConfig } from '../../config/config.loader';
import { ConfigModule } from '../../config/config.module';
import { ContentModule } from '../../content/content.module';
import { CycleRepository } from '../../cycles/cycle.repository';
import { CycleStatusQuery } from '../../cycles/cycle-status.query';
import { IncidentReachQuery } from '../../escalations/incident-reach.query';
import { IncidentRepository } from '../../escalations/incident.repository';
import { IncidentService } from '../../escalations/incident.service';
import { InboxItemRepository } from '../../inbox/inbox-item.repository';
import { InboxService } from '../../inbox/inbox.service';
import { MetricCollectionRepository } from '../../metrics/metric-collection.repository';
import { ChannelCredentials } from '../../channels/channel-credentials';
import { ChannelRepository } from '../../channels/channel.repository';
import { ReportRepository } from '../../reporting/report.repository';
import { CliDatabaseModule } from './cli-database.module';

const RECORDS = [
  ChannelRepository,
  CycleRepository,
  CycleStatusQuery,
  IncidentReachQuery,
  IncidentRepository,
  IncidentService,
  InboxItemRepository,
  InboxService,
  MetricCollectionRepository,
  ReportRepository,
];

/**
 * The role of the commands that read and change records (posts, approvals, plan sync, incidents, inbox
 * items, channels, reports, tokens, cycles, migrations): the database and the content services, no plugins, no
 * queue, no rules. The feature modules that own IncidentService, InboxService and ChannelCredentials also bring
 * notifiers, connectors and the queue, so those services are provided here on their own.
 */
@Module({})
export class RecordsCliModule {
  /**
   * With `config` (the loaded configuration and its path), also the configuration and the channel credentials
   * (`channels reconnect`); `extra` adds a command's own services (e.g. `people login-link`'s links).
   */
  static forRoot(config?: { loaded: LoadedConfig; path: string }, extra: Provider[] = []): DynamicModule {
    const withConfig = config
      ? { imports: [ConfigModule.forRoot(config.loaded, config.path)], providers: [ChannelCredentials] }
      : { imports: [], providers: [] };
    return {
      module: RecordsCliModule,
      imports: [CliDatabaseModule.forRoot(), ContentModule, ...withConfig.imports],
      providers: [...RECORDS, ...withConfig.providers, ...extra],
      exports: [ContentModule, ...RECORDS, ...withConfig.providers, ...extra],
    };
  }
}
