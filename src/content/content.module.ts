import { Module } from '@nestjs/common';
import { ApprovalService } from '../approvals/approval.service';
import { ContentFilesController } from './content-files.controller';
import { ContentFilesService } from './content-files.service';
import { PlanSyncService } from './plan-sync.service';
import { PostQueryService } from './post-query.service';
import { PostSlotter } from './post-slotter';
import { PostsController } from './posts.controller';
import { PostReleaseService } from './post-release.service';
import { PostStateService } from './post-state.service';

/** Plan and prepare: content files become posts, posts pass their approval chains. */
@Module({
  providers: [
    PostStateService,
    PostSlotter,
    ApprovalService,
    PlanSyncService,
    PostQueryService,
    PostReleaseService,
  ],
  exports: [PostStateService, ApprovalService, PlanSyncService, PostQueryService, PostReleaseService],
})
export class ContentModule {}

/** The plan & prepare REST API, served by the api role. */
@Module({
  imports: [ContentModule],
  controllers: [PostsController, ContentFilesController],
  providers: [ContentFilesService],
})
export class ContentApiModule {}
