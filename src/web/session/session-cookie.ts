import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

/** The session cookie's name. `__Host-` would need Secure and no Domain; kept plain so plain-HTTP setups work. */
export const SESSION_COOKIE = 'metronome_session';

/** The session token a request carries, if any. */
export function sessionTokenOf(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (!header) {
    return undefined;
  }
  const value = parse(header)[SESSION_COOKIE];
  return value && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
}

/**
 * Sets the session cookie: HttpOnly (no script reads it), SameSite=Lax (a cross-site form cannot carry
 * it), Secure as `secureCookiesOf` decides (https public URL, or `web.secureCookies`), for the whole site,
 * until the session's absolute end.
 */
export function setSessionCookie(response: Response, token: string, expires: Date, secure: boolean): void {
  response.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, token, { httpOnly: true, secure, sameSite: 'lax', path: '/', expires }),
  );
}

export function clearSessionCookie(response: Response, secure: boolean): void {
  response.append(
    'Set-Cookie',
    serialize(SESSION_COOKIE, '', {
      httpOnly: true,
      secure,
      sameSite: 'lax',
      path: '/',
      expires: new Date(0),
    }),
  );
}
