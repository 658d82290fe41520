import { Module } from '@nestjs/common';
import { ContentModule } from '../../content/content.module';
import { CycleRepository } from '../../cycles/cycle.repository';
import { CycleStatusQuery } from '../../cycles/cycle-status.query';
import { IncidentRepository } from '../../escalations/incident.repository';
import { RuleFactsRepository } from '../../rules/rule-facts.repository';
import { WebCoreModule } from '../web-core.module';
import { TodayController } from './today.controller';
import { WaitingOnMeQuery } from './waiting-on-me';

/**
 * Today (/): what waits on the person, and their brands' cycles. The read-only repositories are provided here
 * on their own (as the CLI's records module does): the modules that own them also bring notifiers and rules.
 */
@Module({
  imports: [WebCoreModule, ContentModule],
  controllers: [TodayController],
  providers: [WaitingOnMeQuery, CycleRepository, CycleStatusQuery, IncidentRepository, RuleFactsRepository],
  exports: [WaitingOnMeQuery],
})
export class TodayModule {}
