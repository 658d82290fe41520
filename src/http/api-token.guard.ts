import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { BrandAccess, SCOPE_PERMISSION } from '../access/brand-access';
import { ROLE_PERMISSIONS, type BrandPermission } from '../access/brand-permission';
import { ConfigService } from '../config/config.service';
import type { BrandRole } from '../config/schema/roles.schema';
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
    private readonly access: BrandAccess,
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
    // Looked up only when something depends on it (a brand-limited token, a person's roles).
    const brand =
      source && (caller.brands !== null || caller.person) ? await this.brandOf(source, request) : undefined;
    if (source && caller.brands !== null) {
      if (brand !== undefined && !caller.seesBrand(brand)) {
        throw new ForbiddenException(
          `token "${caller.tokenName}" may act only on ${caller.brands.map((b) => `"${b}"`).join(', ') || 'no brand'}` +
            (brand === null ? ', and this concerns no brand' : `, not "${brand}"`),
        );
      }
    }
    request.apiCaller = caller.person ? this.heldToRoles(caller, caller.person, scope, brand) : caller;
    return true;
  }

  /**
   * A person's token does what its scopes say only where the person's roles allow it too (the same roles as
   * the web app). On one brand: refused unless the person has the permission there. Without one (a list):
   * the caller is narrowed to the brands where they have it, so every `brandFilter` list shows only those.
   */
  private heldToRoles(
    caller: ApiCaller,
    person: string,
    scope: ApiScope,
    brand: string | null | undefined,
  ): ApiCaller {
    if (scope === 'system:read') {
      if (!this.access.allowsScope(person, scope, null)) {
        throw new ForbiddenException(
          `"${person}" is not an organisation admin, and ${scope} needs one (people.${person}.admin: true)`,
        );
      }
      return caller;
    }
    const permission = SCOPE_PERMISSION[scope];
    const known = typeof brand === 'string' && this.config.loaded.config.brands[brand] !== undefined;
    if (known && !this.access.allowsScope(person, scope, brand)) {
      const roles = this.access.rolesOf(person, brand);
      throw new ForbiddenException(
        `"${person}" ${roles.length > 0 ? `is ${roles.join(', ')} on "${brand}"` : `has no role on "${brand}"`}, ` +
          `and ${scope} there needs the role ${rolesGranting(permission)}: ask the brand's owner or an administrator`,
      );
    }
    if ((brand === null || brand === undefined) && !this.access.allowsScope(person, scope, null)) {
      throw new ForbiddenException(
        `"${person}" has no role that allows ${scope} (it needs ${rolesGranting(permission)} on a brand)`,
      );
    }
    if (this.access.isAdmin(person)) {
      return caller;
    }
    const allowed = this.access.brandsWhere(person, permission);
    const brands = caller.brands === null ? allowed : caller.brands.filter((id) => allowed.includes(id));
    return new ApiCaller(
      caller.tokenId,
      caller.tokenName,
      caller.person,
      caller.service,
      caller.scopes,
      brands,
      caller.admin,
    );
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

/** "editor, owner or admin": the roles that carry a permission. */
function rolesGranting(permission: BrandPermission): string {
  const roles = (Object.keys(ROLE_PERMISSIONS) as BrandRole[]).filter((role) =>
    ROLE_PERMISSIONS[role].includes(permission),
  );
  return roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}` : roles.join('');
}

function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}
