import { ArgumentsHost, Catch, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { errorBodyOf } from '../http/error-body.filter';
import { WebViews } from './rendering/web-views';
import { setWebSecurityHeaders } from './security-headers';
import { CsrfRefused, SignInRequired } from './session/sign-in-required';
import type { WebRequest } from './web-user';

const HEADINGS: Record<number, string> = {
  400: 'That did not work',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Already changed',
  429: 'Too many attempts',
  503: 'Unavailable',
};

/**
 * Errors of web routes as pages (or, for htmx, as a fragment the page shows): sign-in required → the
 * sign-in page (htmx: HX-Redirect), a refused form → 403 with what to do, anything else → its status and
 * message; an unexpected error is logged once and the page says the log has the cause.
 */
@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Web');

  constructor(private readonly views: WebViews) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<WebRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      return;
    }
    setWebSecurityHeaders(response);
    const htmx = request.headers['hx-request'] === 'true';
    if (exception instanceof SignInRequired) {
      const target = `/sign-in?next=${encodeURIComponent(exception.next)}`;
      if (htmx) {
        response.status(401).setHeader('HX-Redirect', target).end();
      } else {
        response.redirect(303, target);
      }
      return;
    }
    const [status, message] =
      exception instanceof CsrfRefused
        ? [403, `${exception.message}: reload the page and try again`]
        : (([code, body]) => [code, body.error.message] as const)(errorBodyOf(exception, this.logger));
    const model = { status, heading: HEADINGS[status] ?? 'Something went wrong', message };
    if (htmx) {
      // htmx swaps only 2xx answers: the page's error region shows this one (hx-target-error).
      response
        .status(status)
        .setHeader('HX-Retarget', '#flash')
        .setHeader('HX-Reswap', 'innerHTML')
        .type('html')
        .send(this.views.fragment(request, 'partials/error-message', model));
      return;
    }
    response
      .status(status)
      .type('html')
      .send(this.views.page(request, 'error', { title: model.heading, screen: 'error' }, model));
  }
}
