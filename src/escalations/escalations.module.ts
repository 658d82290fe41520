import { Module } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { NotificationDispatcherService } from '../notifications/notification-dispatcher.service';
import { NotificationsModule } from '../notifications/notifications.module';
import { PluginStateRepository } from '../persistence/plugin-state.repository';
import { EscalationSweeper, INCIDENT_LINK_SIGNER } from './escalation.sweeper';
import { incidentLinkKey } from './incident-link-secret';
import { IncidentLinkSigner } from './incident-link.signer';
import { IncidentRepository } from './incident.repository';
import { IncidentService } from './incident.service';
import { IncidentLinkPages } from './incident-link.pages';
import { IncidentLinksController } from './incident-links.controller';
import { IncidentsController } from './incidents.controller';
import { NOTIFICATION_SENDER, RECIPIENT_LINKS } from './notification-sender';
import { ApprovalRepository } from '../approvals/approval.repository';
import { WebLinkService } from '../web/session/web-link.service';
import { ApprovalLinks } from '../web/approvals/approval-links';
import { ApprovalIncidentLinks } from '../web/approvals/approval-incident-links';
import { NotifierFailureIncidents } from './notifier-failure.incidents';

/** Incidents and their escalation through the notifiers. */
@Module({
  imports: [NotificationsModule],
  providers: [
    IncidentRepository,
    IncidentService,
    EscalationSweeper,
    NotifierFailureIncidents,
    // One-click approval links in "approval overdue" messages, bound to each approver they go to.
    WebLinkService,
    ApprovalRepository,
    ApprovalLinks,
    { provide: RECIPIENT_LINKS, useClass: ApprovalIncidentLinks },
    { provide: NOTIFICATION_SENDER, useExisting: NotificationDispatcherService },
    {
      provide: INCIDENT_LINK_SIGNER,
      inject: [IncidentRepository, PluginStateRepository, ConfigService],
      useFactory: async (
        incidents: IncidentRepository,
        state: PluginStateRepository,
        config: ConfigService,
      ) =>
        new IncidentLinkSigner(
          await incidentLinkKey(incidents.sqliteDatabaseFile(), state),
          config.loaded.config.organisation.publicUrl ?? `http://localhost:${process.env.PORT ?? 3000}`,
        ),
    },
  ],
  exports: [
    IncidentRepository,
    IncidentService,
    EscalationSweeper,
    NOTIFICATION_SENDER,
    INCIDENT_LINK_SIGNER,
    NotificationsModule,
  ],
})
export class EscalationsModule {}

/** Incident endpoints, served by the api role. */
@Module({
  imports: [EscalationsModule],
  controllers: [IncidentsController, IncidentLinksController],
  providers: [IncidentLinkPages],
})
export class EscalationsApiModule {}
