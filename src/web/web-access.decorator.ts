import { applyDecorators, Controller, SetMetadata, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { BrandPermission } from '../access/brand-permission';
import { Public } from '../http/public.decorator';
import { WebExceptionFilter } from './web-exception.filter';
import { WebSessionGuard } from './session/web-session.guard';

export const WEB_ACCESS = 'metronome:web-access';
export const WEB_PUBLIC = 'metronome:web-public';

/**
 * What a web route needs: a permission, and where the brand comes from.
 * - `{ brandParam: 'brand' }`: the route parameter names the brand; the person needs the permission there.
 * - no brand: the person needs the permission on at least one brand (the handler shows only those);
 * - `'admin'`: an organisation admin only (System, API tokens).
 */
export interface WebAccessRule {
  permission: BrandPermission | 'admin' | 'signed-in';
  brandParam?: string;
}

/**
 * A controller of the web app: outside the REST API's token guard (`@Public()` for it), behind the session
 * guard (every route needs a session and its `@WebAccess`, or is marked `@WebPublic()`), errors answered as
 * pages, and left out of the OpenAPI document.
 */
export function WebController(path = ''): ClassDecorator {
  return applyDecorators(
    Controller(path),
    Public(),
    UseGuards(WebSessionGuard),
    UseFilters(WebExceptionFilter),
    ApiExcludeController(),
  );
}

/** Every web route states what it needs; the guard refuses a route that states nothing (fail closed). */
export function WebAccess(
  permission: WebAccessRule['permission'],
  brandParam?: string,
): MethodDecorator & ClassDecorator {
  return SetMetadata(WEB_ACCESS, { permission, brandParam } satisfies WebAccessRule);
}

/** A web route anyone may open without a session: sign-in, assets, signed links, calendar feeds. */
export const WebPublic = () => SetMetadata(WEB_PUBLIC, true);
