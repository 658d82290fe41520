import { Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApprovalService } from '../approvals/approval.service';
import { ConfigService } from '../config/config.service';
import { ActingPersonResolver } from '../http/acting-person.resolver';
import { actionBody, actorOnlyBody } from '../http/acting-person.schema';
import { ApiAccess } from '../http/api-access.decorator';
import type { ApiCaller } from '../http/api-caller';
import { Caller } from '../http/api-caller.decorator';
import { PlanSyncService } from './plan-sync.service';
import { POST_STATES } from './post-state-machine';
import { PostQueryService } from './post-query.service';
import { PostReleaseService } from './post-release.service';

const listQuery = z.strictObject({ brand: z.string().optional(), state: z.enum(POST_STATES).optional() });
const approvalsQuery = z.strictObject({
  brand: z.string().optional(),
  person: z.string().optional(),
  overdue: z.enum(['true', 'false']).optional(),
});
const syncBody = z.strictObject({ brand: z.string().optional() });
const releaseBody = actorOnlyBody;
const decisionBody = actionBody({
  decision: z.enum(['approve', 'reject', 'request_changes']),
  comment: z.string().min(1).optional(),
}).refine((body) => body.decision === 'approve' || body.comment, {
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
    private readonly actors: ActingPersonResolver,
  ) {}

  @Get('posts')
  @ApiAccess('posts:read', { query: 'brand' })
  @ApiOperation({
    summary: 'Posts with their state, publish time (UTC), channels and the reason for their state.',
  })
  posts(@Query({ schema: listQuery }) query: z.output<typeof listQuery>, @Caller() caller: ApiCaller) {
    return this.queries.listPosts({ ...query, brands: caller.brandFilter });
  }

  @Post('plan/sync')
  @ApiAccess('content:write', { body: 'brand' })
  @ApiOperation({
    summary:
      'Import content files now (the scheduler also does it); returns what changed and any file problems.',
  })
  async sync(@Body({ schema: syncBody }) body: z.output<typeof syncBody>, @Caller() caller: ApiCaller) {
    const loaded = this.config.loaded;
    if (body.brand && !loaded.config.brands[body.brand]) {
      throw new NotFoundException(`unknown brand "${body.brand}"`);
    }
    if (body.brand) {
      return [await this.planSync.syncBrand(loaded, body.brand)];
    }
    if (caller.brands) {
      const brands = caller.brands.filter((brand) => loaded.config.brands[brand]);
      const reports = [];
      for (const brand of brands) {
        reports.push(await this.planSync.syncBrand(loaded, brand));
      }
      return reports;
    }
    return this.planSync.syncAll(loaded);
  }

  @Get('approvals')
  @ApiAccess('approvals:read', { query: 'brand' })
  @ApiOperation({ summary: 'Open approval steps, oldest deadline first.' })
  pending(
    @Query({ schema: approvalsQuery }) query: z.output<typeof approvalsQuery>,
    @Caller() caller: ApiCaller,
  ) {
    return this.queries.pendingApprovals({
      brand: query.brand,
      brands: caller.brandFilter,
      person: query.person,
      overdueOnly: query.overdue === 'true',
    });
  }

  @Post('posts/:id/decisions')
  @ApiAccess('approvals:write', { subject: 'post', param: 'id' })
  @ApiOperation({
    summary:
      'Approve, reject or request changes on the open approval step of a post, as the token’s person (or `onBehalfOf`, admin tokens).',
  })
  async decide(
    @Param('id') id: string,
    @Body({ schema: decisionBody }) body: z.output<typeof decisionBody>,
    @Caller() caller: ApiCaller,
  ) {
    const person = this.actors.resolve(caller, body.onBehalfOf, 'person');
    const outcome = await this.approvals.decide({
      postId: id,
      person,
      decision: body.decision,
      comment: body.comment,
    });
    return {
      postId: id,
      step: outcome.step.stepName,
      stepStatus: outcome.step.status,
      postState: outcome.postState,
    };
  }

  @Post('posts/:id/release')
  @ApiAccess('posts:write', { subject: 'post', param: 'id' })
  @ApiOperation({
    summary:
      'Release a post a rule held: it returns to the state it was held from (review, approved or scheduled).',
  })
  async release(
    @Param('id') id: string,
    @Body({ schema: releaseBody }) body: z.output<typeof releaseBody>,
    @Caller() caller: ApiCaller,
  ) {
    const person = this.actors.resolve(caller, body.onBehalfOf, 'person');
    const { post, to } = await this.releases.release(id, person);
    return { postId: post.id, postState: to };
  }
}
