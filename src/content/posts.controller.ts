import {
  BadRequestException,
  Body,
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApprovalError, ApprovalService } from '../approvals/approval.service';
import { ConfigService } from '../config/config.service';
import { PlanSyncService } from './plan-sync.service';
import { POST_STATES } from './post-state-machine';
import { PostQueryService } from './post-query.service';
import { PostReleaseError, PostReleaseService } from './post-release.service';

const listQuery = z.strictObject({ brand: z.string().optional(), state: z.enum(POST_STATES).optional() });
const approvalsQuery = z.strictObject({
  brand: z.string().optional(),
  person: z.string().optional(),
  overdue: z.enum(['true', 'false']).optional(),
});
const syncBody = z.strictObject({ brand: z.string().optional() });
const releaseBody = z.strictObject({ person: z.string().min(1) });
const decisionBody = z
  .strictObject({
    person: z.string().min(1),
    decision: z.enum(['approve', 'reject', 'request_changes']),
    comment: z.string().min(1).optional(),
  })
  .refine((body) => body.decision === 'approve' || body.comment, {
    message: 'a rejection or change request needs a comment',
    path: ['comment'],
  });

@ApiTags('plan & prepare')
@ApiBearerAuth()
@Controller('api/v1')
export class PostsController {
  constructor(
    private readonly config: ConfigService,
    private readonly planSync: PlanSyncService,
    private readonly approvals: ApprovalService,
    private readonly queries: PostQueryService,
    private readonly releases: PostReleaseService,
  ) {}

  @Get('posts')
  @ApiOperation({
    summary: 'Posts with their state, publish time (UTC), channels and the reason for their state.',
  })
  posts(@Query({ schema: listQuery }) query: z.output<typeof listQuery>) {
    return this.queries.listPosts(query);
  }

  @Post('plan/sync')
  @ApiOperation({
    summary:
      'Import content files now (the scheduler also does it); returns what changed and any file problems.',
  })
  async sync(@Body({ schema: syncBody }) body: z.output<typeof syncBody>) {
    const loaded = this.config.loaded;
    if (body.brand && !loaded.config.brands[body.brand]) {
      throw new NotFoundException(`unknown brand "${body.brand}"`);
    }
    return body.brand ? [await this.planSync.syncBrand(loaded, body.brand)] : this.planSync.syncAll(loaded);
  }

  @Get('approvals')
  @ApiOperation({ summary: 'Open approval steps, oldest deadline first.' })
  pending(@Query({ schema: approvalsQuery }) query: z.output<typeof approvalsQuery>) {
    return this.queries.pendingApprovals({
      brand: query.brand,
      person: query.person,
      overdueOnly: query.overdue === 'true',
    });
  }

  @Post('posts/:id/decisions')
  @ApiOperation({ summary: 'Approve, reject or request changes on the open approval step of a post.' })
  async decide(@Param('id') id: string, @Body({ schema: decisionBody }) body: z.output<typeof decisionBody>) {
    if (!this.config.loaded.config.people[body.person]) {
      throw new BadRequestException(`unknown person "${body.person}"`);
    }
    try {
      const outcome = await this.approvals.decide({ postId: id, ...body });
      return {
        postId: id,
        step: outcome.step.stepName,
        stepStatus: outcome.step.status,
        postState: outcome.postState,
      };
    } catch (error) {
      if (error instanceof ApprovalError) {
        throw error.message.startsWith('no post')
          ? new NotFoundException(error.message)
          : new BadRequestException(error.message);
      }
      throw error;
    }
  }

  @Post('posts/:id/release')
  @ApiOperation({
    summary:
      'Release a post a rule held: it returns to the state it was held from (review, approved or scheduled).',
  })
  async release(@Param('id') id: string, @Body({ schema: releaseBody }) body: z.output<typeof releaseBody>) {
    if (!this.config.loaded.config.people[body.person]) {
      throw new BadRequestException(`unknown person "${body.person}"`);
    }
    try {
      const { post, to } = await this.releases.release(id, body.person);
      return { postId: post.id, postState: to };
    } catch (error) {
      if (error instanceof PostReleaseError) {
        throw error.message.startsWith('no post')
          ? new NotFoundException(error.message)
          : new BadRequestException(error.message);
      }
      throw error;
    }
  }
}
