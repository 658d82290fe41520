import { didYouMean } from '../config/did-you-mean';
import { InvalidError } from '../errors/domain.error';

/**
 * What a token may do, per area of the API: `<area>:read` for its GET routes, `<area>:write` for the
 * others (write includes read). `system` is read-only (config, brands, plugins, /metrics, /health details).
 */
export const API_SCOPES = [
  'system:read',
  'posts:read',
  'posts:write',
  'content:read',
  'content:write',
  'approvals:read',
  'approvals:write',
  'channels:read',
  'channels:write',
  'inbox:read',
  'inbox:write',
  'incidents:read',
  'incidents:write',
  'reports:read',
  'reports:write',
] as const;

export type ApiScope = (typeof API_SCOPES)[number];

export class ApiScopeError extends InvalidError {}

/** True when `granted` allows `needed`: the scope itself, or the area's write scope for a read. */
export function grantsScope(granted: readonly string[], needed: ApiScope): boolean {
  if (granted.includes(needed)) {
    return true;
  }
  const [area, access] = needed.split(':');
  return access === 'read' && granted.includes(`${area}:write`);
}

/**
 * `--scopes` as people write it: a comma-separated list of scopes, `all` (every scope) or `read` (every
 * read scope). Unknown names are refused with the list, never dropped.
 */
export function parseScopes(text: string): ApiScope[] {
  const words = text
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
  if (words.length === 0) {
    throw new ApiScopeError(`no scopes given: use all, read, or a list such as posts:read,approvals:write`);
  }
  const scopes = new Set<ApiScope>();
  for (const word of words) {
    if (word === 'all') {
      API_SCOPES.forEach((scope) => scopes.add(scope));
    } else if (word === 'read') {
      API_SCOPES.filter((scope) => scope.endsWith(':read')).forEach((scope) => scopes.add(scope));
    } else if ((API_SCOPES as readonly string[]).includes(word)) {
      scopes.add(word as ApiScope);
    } else {
      throw new ApiScopeError(
        `unknown scope "${word}"${didYouMean(word, [...API_SCOPES, 'all', 'read'])}: ` +
          `scopes are all, read, or ${API_SCOPES.join(', ')}`,
      );
    }
  }
  return API_SCOPES.filter((scope) => scopes.has(scope));
}
