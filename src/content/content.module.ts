import { Module } from '@nestjs/common';
import { ApprovalRepository } from '../approvals/approval.repository';
import { ApprovalService } from '../approvals/approval.service';
import { PlanSyncService } from './plan-sync.service';
import { PostImporter } from './post-importer';
import { PostListingRepository } from './post-listing.repository';
import { PostQueryService } from './post-query.service';
import { PostSlotter } from './post-slotter';
import { PostReleaseService } from './post-release.service';
import { PostStateService } from './post-state.service';
import { PostRepository } from './post.repository';

/**
 * Plan and prepare: content files become posts, posts pass their approval chains. No controllers (they are in
 * ContentApiModule), so a CLI context loads no HTTP code.
 */
@Module({
  providers: [
    PostRepository,
    PostListingRepository,
    ApprovalRepository,
    PostStateService,
    PostSlotter,
    ApprovalService,
    PostImporter,
    PlanSyncService,
    PostQueryService,
    PostReleaseService,
  ],
  exports: [
    PostRepository,
    PostStateService,
    ApprovalService,
    PlanSyncService,
    PostQueryService,
    PostReleaseService,
  ],
})
export class ContentModule {}
