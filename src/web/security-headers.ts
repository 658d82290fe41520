import type { Response } from 'express';

/**
 * The web app's Content-Security-Policy: scripts and styles from this origin only (no inline script or
 * style, no eval: htmx runs with `allowEval: false`), images from here or data: (media previews), forms
 * post here only, no framing.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/** Headers on every web answer (pages, fragments, errors). */
export function setWebSecurityHeaders(response: Response): void {
  if (response.headersSent) {
    return;
  }
  response.setHeader('Content-Security-Policy', WEB_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
}
