import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';
import { SystemOverviewQuery } from './system-overview.query';
import { SystemWebController } from './system-web.controller';

/** The System screen (api role, organisation admins). */
@Module({
  // forwardRef: web.module.ts imports this file to list the screen, and this one imports WebCoreModule from it.
  imports: [WebCoreModule],
  // ApiTokenRepository and AuditRepository come from the global PersistenceModule.
  providers: [SystemOverviewQuery],
  controllers: [SystemWebController],
})
export class SystemWebModule {}
