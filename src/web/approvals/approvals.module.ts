import { Module } from '@nestjs/common';
import { ApprovalRepository } from '../../approvals/approval.repository';
import { ContentModule } from '../../content/content.module';
import { WebCoreModule } from '../web-core.module';
import { ApprovalLinks } from './approval-links';
import { ApprovalLinksController } from './approval-links.controller';
import { ApprovalRows } from './approval-rows';
import { ApprovalsController } from './approvals.controller';

/** The Approvals screen (/approvals) and the signed one-click decision links (/links/approvals/:token). */
@Module({
  // forwardRef: web.module.ts imports this module, and this one the core it declares.
  imports: [WebCoreModule, ContentModule],
  controllers: [ApprovalsController, ApprovalLinksController],
  providers: [ApprovalRows, ApprovalLinks, ApprovalRepository],
})
export class ApprovalsWebModule {}
