import { DynamicModule, Module } from '@nestjs/common';
import { dirname, resolve } from 'node:path';
import { ScheduleModule } from '@nestjs/schedule';
import { ClockModule } from '../clock/clock.module';
import { ClusterModule } from '../cluster/cluster.module';
import { LoadedConfig } from '../config/config.loader';
import { ConfigModule } from '../config/config.module';
import { ConfigSyncService } from '../config/config-sync.service';
import { ContentApiModule } from '../content/content-api.module';
import { ContentModule } from '../content/content.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { EscalationsApiModule } from '../escalations/escalations.module';
import { EventsModule } from '../events/events.module';
import { InboxApiModule, InboxSchedulerModule } from '../inbox/inbox.module';
import { ChannelsApiModule } from '../channels/channels.module';
import { PublishWorkerModule } from '../publishing/publishing.module';
import { MediaApiModule } from '../media/media.module';
import { MetricsSchedulerModule } from '../metrics/metrics.module';
import { ProfilesSchedulerModule } from '../profiles/profiles.module';
import { ReportingModule, ReportsApiModule } from '../reporting/reporting.module';
import { RulesModule, RulesSchedulerModule } from '../rules/rules.module';
import { PlanSyncScheduler } from '../content/plan-sync.scheduler';
import { HttpModule, RestApiModule } from '../http/http.module';
import { OAuthApiModule, OAuthModule, OAuthSchedulerModule } from '../oauth/oauth.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { PluginHostModule } from '../plugin-host/plugin-host.module';
import { QueueModule } from '../queue/queue.module';
import { parseDatabaseUrl } from '../persistence/database-url';
import { DEFAULT_REPORTS_DIR } from '../reporting/report-render.service';
import { roleRuns, RuntimeOptions } from './runtime-options';
import { WebModule } from '../web/web.module';
import { WebPruneSchedulerModule } from '../web/sign-in/web-prune.job';

@Module({})
export class AppModule {
  /**
   * One codebase, three roles. Every role serves /health and /metrics; `api` adds the REST API and the web app,
   * `scheduler` the periodic ticks (plan sync, rules, inbox, metrics, profiles; one holder per cluster-wide lease),
   * `worker` publishing and monthly reports.
   */
  static forRoot(runtime: RuntimeOptions, loaded: LoadedConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ClockModule,
        PersistenceModule.forRoot({ databaseUrl: runtime.databaseUrl, runMigrations: true }),
        QueueModule.forRoot(runtime.redisUrl, runtime.redisPrefix),
        ClusterModule,
        ConfigModule.forRoot(loaded, runtime.configPath),
        PluginHostModule,
        // Every role builds connectors; starting stops here when the tokens held cannot be opened with the key.
        CredentialsModule,
        HttpModule.forRoot({ dataFolders: dataFolders(runtime), minFreeBytes: runtime.minFreeDiskBytes }),
        EventsModule,
        ContentModule,
        // Every role reacts to the events it causes (an approval through the API, a publish in a worker).
        RulesModule,
        // Every role renews OAuth tokens on demand (TokenRefresher: a connector's credentials, in any role).
        OAuthModule,
        ...(roleRuns(runtime.role, 'api')
          ? [
              RestApiModule,
              ContentApiModule,
              EscalationsApiModule,
              InboxApiModule,
              ReportsApiModule,
              ChannelsApiModule,
              MediaApiModule,
              OAuthApiModule,
              WebModule,
            ]
          : []),
        ...(roleRuns(runtime.role, 'scheduler')
          ? [
              ScheduleModule.forRoot(),
              RulesSchedulerModule,
              InboxSchedulerModule,
              MetricsSchedulerModule,
              ProfilesSchedulerModule,
              OAuthSchedulerModule,
              WebPruneSchedulerModule,
            ]
          : []),
        // Chromium starts on the first render, not at boot.
        ...(roleRuns(runtime.role, 'worker') ? [PublishWorkerModule, ReportingModule.forRoot()] : []),
      ],
      providers: roleRuns(runtime.role, 'scheduler') ? [ConfigSyncService, PlanSyncScheduler] : [],
    };
  }
}

/** Where this process writes: the SQLite database's folder, and the reports folder (rendered and served). */
function dataFolders(runtime: RuntimeOptions): string[] {
  const folders: string[] = [];
  const database = parseDatabaseUrl(runtime.databaseUrl);
  if (database.dialect === 'sqlite' && database.path !== ':memory:') {
    folders.push(dirname(database.path));
  }
  if (roleRuns(runtime.role, 'worker') || roleRuns(runtime.role, 'api')) {
    folders.push(resolve(DEFAULT_REPORTS_DIR));
  }
  return [...new Set(folders)];
}
