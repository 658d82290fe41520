import { Module } from '@nestjs/common';
import { ApprovalService } from '../approvals/approval.service';
import { PlanSyncService } from './plan-sync.service';
import { PostQueryService } from './post-query.service';
import { PostSlotter } from './post-slotter';
import { PostsController } from './posts.controller';
import { PostStateService } from './post-state.service';

/** Plan and prepare: content files become posts, posts pass their approval chains. */
@Module({
  providers: [PostStateService, PostSlotter, ApprovalService, PlanSyncService, PostQueryService],
  exports: [PostStateService, ApprovalService, PlanSyncService, PostQueryService],
})
export class ContentModule {}

/** The plan & prepare REST API, served by the api role. */
@Module({ imports: [ContentModule], controllers: [PostsController] })
export class ContentApiModule {}
