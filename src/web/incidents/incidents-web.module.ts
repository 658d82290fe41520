import { Module } from '@nestjs/common';
import { EscalationsModule } from '../../escalations/escalations.module';
import { IncidentReachQuery } from '../../escalations/incident-reach.query';
import { WebCoreModule } from '../web-core.module';
import { IncidentsPageController } from './incidents-page.controller';

/** The Incidents screen: the incidents, their escalation timeline, acknowledge and resolve. */
@Module({
  imports: [WebCoreModule, EscalationsModule],
  providers: [IncidentReachQuery],
  controllers: [IncidentsPageController],
})
export class IncidentsWebModule {}
