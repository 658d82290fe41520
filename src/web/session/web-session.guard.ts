import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { BrandAccess } from '../../access/brand-access';
import { ConfigService } from '../../config/config.service';
import { setWebSecurityHeaders } from '../security-headers';
import { WEB_ACCESS, WEB_PUBLIC, type WebAccessRule } from '../web-access.decorator';
import { WebUser, type WebRequest } from '../web-user';
import { sessionTokenOf } from './session-cookie';
import { CsrfRefused, SignInRequired } from './sign-in-required';
import { WebSessionService } from './web-session.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every web route: security headers; the session (when the cookie holds a live one); for state-changing
 * requests, same origin and the session's CSRF token; then the route's `@WebAccess` rule. A route with
 * neither `@WebAccess` nor `@WebPublic` is refused (fail closed).
 */
@Injectable()
export class WebSessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: WebSessionService,
    private readonly access: BrandAccess,
    private readonly config: ConfigService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<WebRequest>();
    setWebSecurityHeaders(context.switchToHttp().getResponse<Response>());
    const unsafe = !SAFE_METHODS.has(request.method);
    if (unsafe && !sameOrigin(request)) {
      throw new CsrfRefused('this form was sent from another site');
    }
    const token = sessionTokenOf(request);
    const session = token ? await this.sessions.resolve(token) : null;
    if (session) {
      const name = this.config.loaded.config.people[session.person]?.name ?? session.person;
      request.webUser = new WebUser(session, name, this.access);
    }
    if (this.reflector.getAllAndOverride<boolean>(WEB_PUBLIC, targets)) {
      return true;
    }
    const rule = this.reflector.getAllAndOverride<WebAccessRule | undefined>(WEB_ACCESS, targets);
    if (!rule) {
      throw new ForbiddenException(`${request.method} ${request.path} states no access rule`);
    }
    const user = request.webUser;
    if (!user) {
      throw new SignInRequired(SAFE_METHODS.has(request.method) ? request.originalUrl : '/');
    }
    if (unsafe && !csrfMatches(request, user.csrfToken)) {
      throw new CsrfRefused('this form is out of date or was not sent from this app');
    }
    this.authorize(rule, request, user);
    return true;
  }

  private authorize(rule: WebAccessRule, request: WebRequest, user: WebUser): void {
    if (rule.permission === 'signed-in') {
      return;
    }
    if (rule.permission === 'admin') {
      if (!user.admin) {
        throw new ForbiddenException('this page is for administrators (people.<id>.admin: true)');
      }
      return;
    }
    if (rule.brandParam) {
      const brandId = request.params[rule.brandParam];
      if (typeof brandId !== 'string' || !this.config.loaded.config.brands[brandId]) {
        throw new NotFoundException(`no brand "${String(brandId)}"`);
      }
      if (!user.can(brandId, rule.permission)) {
        // A brand the person does not see is not admitted to exist.
        if (!user.can(brandId, 'view')) {
          throw new NotFoundException(`no brand "${brandId}"`);
        }
        throw new ForbiddenException(
          `your role on this brand (${user.rolesOn(brandId).join(', ')}) does not allow this: ask its owner`,
        );
      }
      return;
    }
    if (user.brandsWhere(rule.permission).length === 0) {
      throw new ForbiddenException('none of your roles allows this: ask a brand owner or an administrator');
    }
  }
}

/** A browser's state-changing request names its origin; it must be this host's. */
function sameOrigin(request: WebRequest): boolean {
  const origin = request.headers.origin;
  if (!origin || origin === 'null') {
    // No Origin (older clients, same-origin navigations in some browsers): the CSRF token decides.
    return origin !== 'null';
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function csrfMatches(request: WebRequest, expected: string): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  const given = request.headers['x-csrf-token'] ?? body?._csrf;
  if (typeof given !== 'string' || given.length !== expected.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
