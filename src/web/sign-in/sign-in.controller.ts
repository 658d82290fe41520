import { Body, Get, HttpCode, Logger, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { parse, serialize } from 'cookie';
import { DateTime } from 'luxon';
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
import { EmailSignIn, normaliseAddress } from './email-sign-in.service';
import { SIGN_IN_PURPOSE } from './sign-in-links';
import { OIDC_PURPOSE, OidcSignIn } from './oidc-sign-in.service';
import { SignInRateLimit } from './sign-in-rate-limit';

const linkQuery = z.looseObject({ token: z.string().min(1).max(200).optional() });
const linkBody = z.looseObject({ token: z.string().min(1).max(200) });
const signInQuery = z.looseObject({ next: z.string().optional() });
const oidcCallbackQuery = z.looseObject({
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
});
/** Binds an OIDC attempt to the browser that started it (login CSRF): its state, for 10 minutes. */
const OIDC_COOKIE = 'metronome_oidc';
const emailBody = z.looseObject({ email: z.string().max(320).default(''), next: z.string().optional() });

/** Said whether or not the address is someone's: the answer never tells. */
export const EMAIL_SENT =
  'If that address belongs to someone here, a sign-in link is on its way. It works once; check your inbox (and spam folder).';

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
  private readonly logger = new Logger('SignIn');

  constructor(
    private readonly views: WebViews,
    private readonly links: WebLinkService,
    private readonly sessions: WebSessionService,
    private readonly config: ConfigService,
    private readonly email: EmailSignIn,
    private readonly rateLimit: SignInRateLimit,
    private readonly oidc: OidcSignIn,
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
  @Post('sign-in/email')
  @HttpCode(200)
  async emailLink(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Body({ schema: emailBody }) body: z.output<typeof emailBody>,
  ): Promise<string> {
    const model = this.signInModel(body.next);
    const page = (extra: object) =>
      this.views.page(request, 'sign-in', { title: 'Sign in', screen: 'sign-in' }, { ...model, ...extra });
    if (!this.email.notifier()) {
      // The page itself says how to get a link instead.
      response.status(503);
      return page({});
    }
    const address = normaliseAddress(body.email);
    if (!address.includes('@')) {
      response.status(400);
      return page({ problem: 'Type your e-mail address, e.g. name@example.com.' });
    }
    const limited = this.rateLimit.take(address, request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (limited) {
      response.status(429).setHeader('Retry-After', String(limited.seconds));
      return page({ problem: this.tooMany(limited.retryAt) });
    }
    await this.email.request(address, model.next);
    return page({ sent: EMAIL_SENT });
  }

  @WebPublic()
  @Get('sign-in/oidc')
  async oidcStart(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Query({ schema: signInQuery }) query: z.output<typeof signInQuery>,
  ): Promise<string | void> {
    if (!this.oidc.settings) {
      response.status(404);
      return this.problemPage(request, query.next, 'Sign-in with an identity provider is not set up here.');
    }
    let started: { url: string; state: string };
    try {
      started = await this.oidc.start(safeNextPath(query.next));
    } catch (error) {
      this.logger.warn(
        `the OIDC provider could not be used: ${error instanceof Error ? error.message : String(error)}`,
      );
      response.status(502);
      return this.problemPage(
        request,
        query.next,
        'The sign-in provider cannot be reached just now. Try again in a moment, or ask for a link by e-mail.',
      );
    }
    response.append(
      'Set-Cookie',
      serialize(OIDC_COOKIE, started.state, {
        httpOnly: true,
        secure: secureCookiesOf(this.config.loaded.config),
        sameSite: 'lax',
        path: '/sign-in/oidc',
        maxAge: 600,
      }),
    );
    response.redirect(303, started.url);
  }

  @WebPublic()
  @Get('sign-in/oidc/callback')
  async oidcCallback(
    @Req() request: WebRequest,
    @Res({ passthrough: true }) response: Response,
    @Query({ schema: oidcCallbackQuery }) query: z.output<typeof oidcCallbackQuery>,
  ): Promise<string | void> {
    response.append(
      'Set-Cookie',
      serialize(OIDC_COOKIE, '', {
        httpOnly: true,
        sameSite: 'lax',
        path: '/sign-in/oidc',
        expires: new Date(0),
      }),
    );
    const cookie = parse(request.headers.cookie ?? '')[OIDC_COOKIE];
    if (!this.oidc.settings || !query.state || cookie !== query.state) {
      response.status(400);
      return this.problemPage(
        request,
        undefined,
        'This sign-in attempt was not started in this browser, or has expired. Start again below.',
      );
    }
    if (query.error) {
      // Still use up the attempt.
      await this.links.claim(query.state, OIDC_PURPOSE);
      response.status(400);
      return this.problemPage(
        request,
        undefined,
        'The sign-in provider did not sign you in. Start again below.',
      );
    }
    const search = request.originalUrl.includes('?')
      ? request.originalUrl.slice(request.originalUrl.indexOf('?') + 1)
      : '';
    const result = await this.oidc.finish(query.state, search);
    if (result.outcome !== 'ok') {
      response.status(403);
      return this.problemPage(request, undefined, result.problem);
    }
    const { token, session } = await this.sessions.start(
      result.person,
      'oidc',
      request.headers['user-agent'],
      request.webUser?.session.tokenHash,
    );
    setSessionCookie(response, token, session.expiresAt, secureCookiesOf(this.config.loaded.config));
    response.redirect(303, result.next);
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
    const path = safeNextPath(next);
    return {
      next: path,
      oidcLabel: web.oidc?.label,
      oidcHref: `/sign-in/oidc?next=${encodeURIComponent(path)}`,
      emailSignIn: this.email.notifier() !== undefined,
    };
  }

  private problemPage(request: WebRequest, next: string | undefined, problem: string): string {
    return this.views.page(
      request,
      'sign-in',
      { title: 'Sign in', screen: 'sign-in' },
      { ...this.signInModel(next), problem },
    );
  }

  private tooMany(retryAt: Date): string {
    const zone = this.config.loaded.config.organisation.timezone;
    const at = DateTime.fromJSDate(retryAt, { zone }).toFormat('HH:mm ZZZZ');
    return `Too many sign-in requests for this address or from this network. Try again after ${at}.`;
  }
}
