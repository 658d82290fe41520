import {
  BadRequestException,
  Body,
  Get,
  HttpCode,
  HttpException,
  Logger,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { DomainError } from '../../errors/domain.error';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest, WebUser } from '../web-user';
import { ApprovalRows, DECISION_LABELS, type ApprovalsTab, type DueState } from './approval-rows';

const listQuery = z.looseObject({
  tab: z.enum(['mine', 'all']).optional().catch(undefined),
  brand: z.string().max(100).optional(),
  due: z.enum(['overdue', 'on-time']).optional().catch(undefined),
  decided: z.string().max(100).optional(),
});

const decisionBody = z.looseObject({
  decision: z.enum(['approve', 'reject', 'request_changes']),
  comment: z
    .string()
    .max(5000)
    .optional()
    .transform((text) => text?.trim() || undefined),
});

const bulkBody = z.looseObject({
  posts: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
});

const POST_ID = /^[A-Za-z0-9-]{1,100}$/;

/** Rows on one page: the earliest deadlines; the page says how many more there are. */
const ROWS_SHOWN = 100;

/**
 * Approvals: what waits on the signed-in person ("Waiting on me"), every open step on their brands ("All"),
 * and deciding a step (one, or several approved at once). Decisions go through ApprovalService as this
 * person, exactly as the API and CLI take them: the service checks it is this person's step.
 */
@WebController('approvals')
export class ApprovalsController {
  private readonly logger = new Logger('Approvals');

  constructor(
    private readonly views: WebViews,
    private readonly rows: ApprovalRows,
  ) {}

  @WebAccess('view')
  @Get()
  async list(@Req() request: WebRequest, @Query({ schema: listQuery }) query: z.output<typeof listQuery>) {
    const user = request.webUser!;
    const model = await this.listModel(user, query);
    const decided = query.decided && POST_ID.test(query.decided) ? query.decided : undefined;
    const post =
      decided && (await this.rows.hasDecided(user, decided))
        ? await this.rows.visibleTitle(user, decided)
        : undefined;
    return this.page(request, {
      ...model,
      notice: post ? { title: post.title, state: post.state.replace('_', ' ') } : undefined,
    });
  }

  @WebAccess('approve')
  @HttpCode(200)
  @Post(':postId/decisions')
  async decide(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('postId') postId: string,
    @Body({ schema: decisionBody }) body: z.output<typeof decisionBody>,
  ): Promise<string | void> {
    const user = request.webUser!;
    if (body.decision !== 'approve' && !body.comment) {
      // As the API and CLI: the author sees why.
      throw new BadRequestException(
        'a rejection or change request needs a comment: say why, the author sees it',
      );
    }
    const outcome = await this.rows.decide(user, { postId, decision: body.decision, comment: body.comment });
    if (request.headers['hx-request'] === 'true') {
      return this.views.fragment(request, 'approvals-outcome', {
        outcomes: [
          {
            postId,
            title: outcome.post.title,
            ok: true,
            message: `${DECISION_LABELS[body.decision]} at “${outcome.step.stepName}”: the post is now ${outcome.postState.replace('_', ' ')}.`,
          },
        ],
        row: true,
      });
    }
    response.redirect(303, `/approvals?decided=${encodeURIComponent(postId)}`);
  }

  /** Approves each selected post separately, as this person; says per post what happened. */
  @WebAccess('approve')
  @HttpCode(200)
  @Post('bulk')
  async bulk(@Req() request: WebRequest, @Body({ schema: bulkBody }) body: z.output<typeof bulkBody>) {
    const user = request.webUser!;
    const postIds = [...new Set(body.posts)].slice(0, 200);
    const outcomes = [];
    for (const postId of postIds) {
      if (!POST_ID.test(postId)) {
        continue;
      }
      const title = (await this.rows.visibleTitle(user, postId))?.title ?? postId;
      try {
        const outcome = await this.rows.decide(user, { postId, decision: 'approve' });
        outcomes.push({
          postId,
          title,
          ok: true,
          message: `Approved at “${outcome.step.stepName}”: the post is now ${outcome.postState.replace('_', ' ')}.`,
        });
      } catch (error) {
        outcomes.push({
          postId,
          title,
          ok: false,
          message: `Not approved: ${this.reason(error)}`,
        });
      }
    }
    const model = {
      ...(await this.listModel(user, { tab: 'mine' })),
      outcomes,
      nothingSelected: postIds.length === 0,
    };
    if (request.headers['hx-request'] === 'true') {
      return this.views.fragment(request, 'approvals-list', model);
    }
    return this.page(request, model);
  }

  /** Why one decision of a bulk approval failed, in the words the API would answer with. */
  private reason(error: unknown): string {
    if (error instanceof DomainError || error instanceof HttpException) {
      return error.message;
    }
    this.logger.error(
      `bulk approval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 'an unexpected error (the log has the cause)';
  }

  /** The screen: tabs and filters around the list (the list alone is what htmx swaps after a bulk approval). */
  private page(request: WebRequest, model: Record<string, unknown>): string {
    // The list is rendered (and escaped) by its own view; the page embeds that markup as it is.
    const list = new Handlebars.SafeString(this.views.fragment(request, 'approvals-list', model));
    return this.views.page(
      request,
      'approvals',
      { title: 'Approvals', screen: 'approvals', styles: ['approvals'] },
      { ...model, list },
    );
  }

  private async listModel(user: WebUser, query: { tab?: ApprovalsTab; brand?: string; due?: DueState }) {
    const tab = query.tab ?? 'mine';
    const brands = user.brandsWhere('view');
    const brand = query.brand && brands.includes(query.brand) ? query.brand : undefined;
    const due = tab === 'all' ? query.due : undefined;
    const { rows: shown, total } = await this.rows.rows(
      user,
      { tab, brand: tab === 'all' ? brand : undefined, due },
      ROWS_SHOWN,
    );
    // The earliest deadlines first, a page of them: a brand with thousands in review narrows by brand or due.
    return {
      tab,
      mine: tab === 'mine',
      rows: shown,
      more: total > shown.length ? { shown: shown.length, of: total } : undefined,
      anyMyTurn: shown.some((row) => row.myTurn),
      brandOptions: brands.map((id) => ({ id, name: this.rows.brandName(id), selected: id === brand })),
      dueOptions: [
        { value: 'overdue', label: 'Overdue', selected: due === 'overdue' },
        { value: 'on-time', label: 'Not yet due', selected: due === 'on-time' },
      ],
      canDecideSomewhere: user.brandsWhere('approve').length > 0,
    };
  }
}
