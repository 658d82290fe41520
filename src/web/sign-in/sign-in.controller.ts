import { Body, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { ConfigService } from '../../config/config.service';
import { secureCookiesOf } from '../../config/schema/web.schema';
import { safeNextPath } from '../web-base-url';
import { WebViews } from '../rendering/web-views';
import { clearSessionCookie, setSessionCookie } from '../session/session-cookie';
import { WebLinkService } from '../session/web-link.service';
import { WebSessionService } from '../session/web-session.service';
import { WebAccess, WebController, WebPublic } from '../web-access.decorator';
import type { WebRequest } from '../web-user';
import { SIGN_IN_PURPOSE } from './sign-in-links';

const linkQuery = z.looseObject({ token: z.string().min(1).max(200).optional() });
const linkBody = z.looseObject({ token: z.string().min(1).max(200) });
const signInQuery = z.looseObject({ next: z.string().optional() });

const LINK_PROBLEMS = {
  used: 'This sign-in link has been used already. Ask for a new one below.',
  expired: 'This sign-in link has expired. Ask for a new one below.',
  unknown: 'This sign-in link is not valid. Ask for a new one below.',
} as const;

/**
 * Signing in and out. A sign-in link opened (GET) shows one button, so mail scanners that fetch links do not
 * use it up; the button POSTs the token, which starts a new session (rotation) and lands on the link's page.
 */
@WebController()
export class SignInController {
  constructor(
    private readonly views: WebViews,
    private readonly links: WebLinkService,
    private readonly sessions: WebSessionService,
    private readonly config: ConfigService,
  ) {}

  @WebPublic()
  @Get('sign-in')
  signInPage(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Query({ schema: signInQuery }) query: z.output<typeof signInQuery>,
  ): string | void {
    if (request.webUser) {
      return response.redirect(303, safeNextPath(query.next));
    }
    return this.views.page(
      request,
      'sign-in',
      { title: 'Sign in', screen: 'sign-in' },
      this.signInModel(query.next),
    );
  }

  @WebPublic()
  @Get('sign-in/link')
  async linkPage(
    @Req() request: WebRequest,
    @Query({ schema: linkQuery }) query: z.output<typeof linkQuery>,
  ) {
    const peeked = query.token
      ? await this.links.peek(query.token, SIGN_IN_PURPOSE)
      : { outcome: 'unknown' as const };
    if (peeked.outcome !== 'ok') {
      return this.views.page(
        request,
        'sign-in',
        { title: 'Sign in', screen: 'sign-in' },
        {
          ...this.signInModel(undefined),
          problem: LINK_PROBLEMS[peeked.outcome],
        },
      );
    }
    const person = this.config.loaded.config.people[peeked.link.person];
    return this.views.page(
      request,
      'sign-in-link',
      { title: 'Sign in', screen: 'sign-in' },
      {
        token: query.token,
        name: person?.name ?? peeked.link.person,
      },
    );
  }

  @WebPublic()
  @Post('sign-in/link')
  async useLink(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Body({ schema: linkBody }) body: z.output<typeof linkBody>,
  ): Promise<string | void> {
    const claimed = await this.links.claim(body.token, SIGN_IN_PURPOSE);
    if (claimed.outcome !== 'ok' || !this.config.loaded.config.people[claimed.link.person]) {
      response.status(400);
      return this.views.page(
        request,
        'sign-in',
        { title: 'Sign in', screen: 'sign-in' },
        {
          ...this.signInModel(undefined),
          problem: LINK_PROBLEMS[claimed.outcome === 'ok' ? 'unknown' : claimed.outcome],
        },
      );
    }
    const { token, session } = await this.sessions.start(
      claimed.link.person,
      'link',
      request.headers['user-agent'],
      request.webUser?.session.tokenHash,
    );
    setSessionCookie(response, token, session.expiresAt, secureCookiesOf(this.config.loaded.config));
    response.redirect(303, safeNextPath(claimed.link.detail));
  }

  @WebAccess('signed-in')
  @Post('sign-out')
  async signOut(@Req() request: WebRequest, @Res({ passthrough: true }) response: Response): Promise<void> {
    if (request.webUser) {
      await this.sessions.end(request.webUser.session.tokenHash);
    }
    clearSessionCookie(response, secureCookiesOf(this.config.loaded.config));
    response.redirect(303, '/sign-in');
  }

  private signInModel(next: string | undefined) {
    const web = this.config.loaded.config.web;
    return {
      next: safeNextPath(next),
      oidcLabel: web.oidc?.label,
    };
  }
}
