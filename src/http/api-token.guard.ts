import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ConfigService } from '../config/config.service';
import { ApiTokenRepository } from '../persistence/api-token.repository';
import { BRAND_SOURCE, REQUIRED_SCOPE, type BrandSource } from './api-access.decorator';
import { ApiCaller } from './api-caller';
import type { ApiScope } from './api-scopes';
import { IS_PUBLIC } from './public.decorator';
import { SubjectBrandsRepository } from './subject-brands.repository';

export type ApiRequest = Request & { apiCaller?: ApiCaller };

/**
 * Every route needs a valid API token (`Authorization: Bearer mtr_…`) unless it is marked @Public(), and
 * the scope its @ApiAccess() names; a brand-limited token is refused on other brands before the handler
 * runs. A public route still learns who is calling when a valid token is sent (/health shows it details).
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokenRepository,
    private readonly config: ConfigService,
    private readonly subjects: SubjectBrandsRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const presented = bearerToken(request);
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      const token = presented ? await this.tokens.verify(presented) : null;
      if (token) {
        request.apiCaller = ApiCaller.fromToken(token);
      }
      return true;
    }
    const token = presented ? await this.tokens.verify(presented) : null;
    if (!token) {
      throw new UnauthorizedException(
        'missing or invalid API token: create one with `metronome token create --name <name>` and send "Authorization: Bearer <token>"',
      );
    }
    const caller = ApiCaller.fromToken(token);
    if (caller.person && !this.config.loaded.config.people[caller.person]) {
      throw new ForbiddenException(
        `token "${caller.tokenName}" acts for "${caller.person}", who is no longer in the configuration's people: ` +
          `revoke it with \`metronome token revoke ${caller.tokenName}\``,
      );
    }
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(REQUIRED_SCOPE, targets);
    if (!scope) {
      // Fail closed: a route nobody has given a scope is not open to every token.
      throw new ForbiddenException(
        `${request.method} ${request.path} declares no scope, so no token may call it`,
      );
    }
    if (!caller.may(scope)) {
      throw new ForbiddenException(
        `token "${caller.tokenName}" lacks the scope ${scope} (it has: ${caller.scopes.join(', ') || 'none'}): ` +
          `create a token with it, e.g. \`metronome token create --name <name> --scopes ${scope}\``,
      );
    }
    const source = this.reflector.getAllAndOverride<BrandSource | undefined>(BRAND_SOURCE, targets);
    if (source && caller.brands !== null) {
      const brand = await this.brandOf(source, request);
      if (brand !== undefined && !caller.seesBrand(brand)) {
        throw new ForbiddenException(
          `token "${caller.tokenName}" may act only on ${caller.brands.map((b) => `"${b}"`).join(', ') || 'no brand'}` +
            (brand === null ? ', and this concerns no brand' : `, not "${brand}"`),
        );
      }
    }
    request.apiCaller = caller;
    return true;
  }

  /** undefined: nothing to check here (no such field, or no such subject: the handler answers 404). */
  private async brandOf(source: BrandSource, request: ApiRequest): Promise<string | null | undefined> {
    if ('subject' in source) {
      const id = request.params[source.param];
      return typeof id === 'string' ? this.subjects.brandOf(source.subject, id) : undefined;
    }
    const value =
      'param' in source
        ? request.params[source.param]
        : 'query' in source
          ? (request.query as Record<string, unknown>)[source.query]
          : (request.body as Record<string, unknown> | undefined)?.[source.body];
    return typeof value === 'string' ? value : undefined;
  }
}

function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}
