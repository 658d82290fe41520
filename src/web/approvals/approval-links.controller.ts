import { Body, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { BrandAccess } from '../../access/brand-access';
import { ApprovalService } from '../../approvals/approval.service';
import type { ApprovalEntity } from '../../approvals/approval.entity';
import { ConfigService } from '../../config/config.service';
import { PostRepository } from '../../content/post.repository';
import type { PostEntity } from '../../content/post.entity';
import { DomainError } from '../../errors/domain.error';
import { WebViews } from '../rendering/web-views';
import type { WebLinkEntity } from '../session/web-link.entity';
import { WebLinkService, type ClaimedLink } from '../session/web-link.service';
import { WebController, WebPublic } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { APPROVAL_LINK_PURPOSES, ApprovalLinks, type ApprovalLinkPurpose } from './approval-links';

const TOKEN = /^[A-Za-z0-9_-]{16,200}$/;
const linkBody = z.looseObject({ comment: z.string().max(5000).optional() });

/** The audit rows of a decision taken through a link say so (data.via). */
export const VIA_ONE_CLICK_LINK = 'one-click link';

const PROBLEMS = {
  used: {
    heading: 'This link has been used already',
    message: 'Each decision link works once. Open Approvals to see where the post stands.',
  },
  expired: {
    heading: 'This link has expired',
    message: 'Decision links last until a day after the step’s deadline. Open Approvals to decide there.',
  },
  unknown: {
    heading: 'This link is not valid',
    message: 'The link may be incomplete: copy the whole address from the message, or open Approvals.',
  },
  superseded: {
    heading: 'This step is no longer waiting on you',
    message:
      'Someone decided it already, the post changed, or it moved on to another step. Open Approvals to see where it stands.',
  },
} as const;

type Problem = keyof typeof PROBLEMS;

interface LiveLink {
  link: WebLinkEntity;
  purpose: ApprovalLinkPurpose;
  step: ApprovalEntity;
  post: PostEntity;
}

/**
 * Signed one-click decisions from approval notifications (public: the token is the credential, bound to one
 * person, one step and one purpose). Opening a link (GET) only shows the post and one button — mail scanners
 * fetch links — and the button (POST) uses the link once and decides as that person through ApprovalService,
 * audited as them "via one-click link".
 */
@WebController('links/approvals')
export class ApprovalLinksController {
  constructor(
    private readonly views: WebViews,
    private readonly links: WebLinkService,
    private readonly approvalLinks: ApprovalLinks,
    private readonly approvals: ApprovalService,
    private readonly posts: PostRepository,
    private readonly access: BrandAccess,
    private readonly config: ConfigService,
  ) {}

  @WebPublic()
  @Get(':token')
  async show(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('token') token: string,
  ): Promise<string> {
    const live = await this.live(token);
    if ('problem' in live) {
      return this.problem(request, response, live.problem);
    }
    return this.confirmPage(request, token, live);
  }

  @WebPublic()
  @HttpCode(200)
  @Post(':token')
  async use(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Param('token') token: string,
    @Body({ schema: linkBody }) body: z.output<typeof linkBody>,
  ): Promise<string> {
    const live = await this.live(token);
    if ('problem' in live) {
      return this.problem(request, response, live.problem);
    }
    const comment = body.comment?.trim() || undefined;
    if (live.purpose === 'request-changes' && !comment) {
      response.status(400);
      return this.confirmPage(request, token, live, 'Say what should change: the author sees your note.');
    }
    const claimed = await this.links.claim(token, live.purpose);
    if (claimed.outcome !== 'ok') {
      return this.problem(request, response, claimed.outcome);
    }
    const decision = live.purpose === 'approve' ? 'approve' : 'request_changes';
    try {
      const outcome = await this.approvals.decide({
        postId: live.post.id,
        person: live.link.person,
        decision,
        comment,
        via: VIA_ONE_CLICK_LINK,
      });
      return this.views.page(
        request,
        'link-approval',
        {
          title: decision === 'approve' ? 'Approved' : 'Changes requested',
          screen: 'approvals',
          styles: ['approvals'],
        },
        {
          done: true,
          post: this.postModel(live),
          decision: decision === 'approve' ? 'approved' : 'asked for changes on',
          postState: outcome.postState.replace('_', ' '),
          name: this.personName(live.link.person),
        },
      );
    } catch (error) {
      if (error instanceof DomainError) {
        // Decided by someone else between the check and the decision: the step moved on.
        return this.problem(request, response, 'superseded');
      }
      // Not the person's doing (the database went away, a bug): the link works again once it is fixed.
      await this.links.release(token, live.purpose).catch(() => undefined);
      throw error;
    }
  }

  /** The link, its step and post, if it can still act: unused, unexpired, and the step still this person's turn. */
  private async live(token: string): Promise<LiveLink | { problem: Problem }> {
    if (!TOKEN.test(token)) {
      return { problem: 'unknown' };
    }
    let peeked: ClaimedLink = { outcome: 'unknown' };
    let purpose: ApprovalLinkPurpose = 'approve';
    for (const candidate of APPROVAL_LINK_PURPOSES) {
      peeked = await this.links.peek(token, candidate);
      purpose = candidate;
      if (peeked.outcome !== 'unknown') {
        break;
      }
    }
    if (peeked.outcome !== 'ok') {
      return { problem: peeked.outcome };
    }
    const link = peeked.link;
    const step = link.subject ? await this.approvalLinks.currentStep(link.subject) : undefined;
    const post = step ? await this.posts.byId(step.postId) : undefined;
    if (
      !step ||
      !post ||
      post.state !== 'in_review' ||
      !this.config.loaded.config.people[link.person] ||
      !this.access.can(link.person, post.brandId, 'approve') ||
      !(await this.approvalLinks.isTurnOf(step, link.person))
    ) {
      return { problem: 'superseded' };
    }
    return { link, purpose, step, post };
  }

  private confirmPage(request: WebRequest, token: string, live: LiveLink, error?: string): string {
    const approve = live.purpose === 'approve';
    return this.views.page(
      request,
      'link-approval',
      {
        title: approve ? 'Approve this post?' : 'Request changes?',
        screen: 'approvals',
        styles: ['approvals'],
      },
      {
        confirm: true,
        approve,
        token,
        error,
        post: this.postModel(live),
        name: this.personName(live.link.person),
      },
    );
  }

  private problem(request: WebRequest, response: Response, problem: Problem): string {
    response.status(problem === 'unknown' ? 404 : 410);
    return this.views.page(
      request,
      'link-approval',
      { title: PROBLEMS[problem].heading, screen: 'approvals', styles: ['approvals'] },
      { problem: PROBLEMS[problem] },
    );
  }

  private postModel({ post, step }: LiveLink) {
    const config = this.config.loaded.config;
    const zone = config.brands[post.brandId]?.timezone ?? config.organisation.timezone;
    const excerpt = post.body.length > 600 ? `${post.body.slice(0, 600).trimEnd()}…` : post.body;
    return {
      title: post.title,
      brand: config.brands[post.brandId]?.name ?? post.brandId,
      excerpt,
      step: step.stepName,
      dueAt: step.dueAt,
      publishAt: post.publishAt,
      zone,
    };
  }

  private personName(person: string): string {
    return this.config.loaded.config.people[person]?.name ?? person;
  }
}
