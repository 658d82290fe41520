import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { ApiScope } from './api-scopes';
import type { SubjectKind } from './subject-brands.repository';

export const REQUIRED_SCOPE = 'metronome:required-scope';
export const BRAND_SOURCE = 'metronome:brand-source';

/**
 * Where a route finds the brand it acts on, so the guard refuses a brand-limited token before the handler
 * runs: a route parameter, a query or body field (absent = the handler filters by the caller's brands),
 * or the brand of a stored subject named by a route parameter.
 */
export type BrandSource =
  { param: string } | { query: string } | { body: string } | { subject: SubjectKind; param: string };

/**
 * Every API route states the scope it needs (and, when it acts on one brand, where that brand comes from).
 * The guard refuses a route without a scope: a new route is closed until it says what it needs.
 */
export function ApiAccess(scope: ApiScope, brand?: BrandSource): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    ...(brand ? [SetMetadata(BRAND_SOURCE, brand)] : []),
    ApiForbiddenResponse({
      description: `The token lacks the scope ${scope}${brand ? ' or may not act on this brand' : ''}.`,
    }),
  );
}
