import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type DomainErrorKind } from '../errors/domain.error';

/** The body of every error the API answers: one shape, documented in OpenAPI (`ErrorBody`). */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const STATUS_OF: Record<DomainErrorKind, number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'invalid',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Maps errors to HTTP once, for every route: a DomainError by its kind, Nest's own HttpExceptions (validation,
 * guards, unknown routes) by their status, anything else to 500 with its cause in the log, not in the answer.
 */
@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = errorBodyOf(exception, this.logger);
    if (!response.headersSent) {
      response.status(status).json(body);
    }
  }
}

/** The status and body an error is answered with; an unexpected one is logged (once, here) with its stack. */
export function errorBodyOf(exception: unknown, logger: Logger): [number, ErrorBody] {
  if (exception instanceof DomainError) {
    return [
      STATUS_OF[exception.kind],
      {
        error: {
          code: exception.code ?? exception.kind,
          message: exception.message,
          ...(exception.details ? { details: exception.details } : {}),
        },
      },
    ];
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return [status, { error: fromHttpException(status, exception.getResponse()) }];
  }
  logger.error(`unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
  return [
    HttpStatus.INTERNAL_SERVER_ERROR,
    { error: { code: 'internal', message: 'internal error: the server log has the cause' } },
  ];
}

function fromHttpException(status: number, response: string | object): ErrorBody['error'] {
  const code = CODE_OF_STATUS[status] ?? `http_${status}`;
  if (typeof response === 'string') {
    return { code, message: response };
  }
  const { message, error: _name, statusCode: _status, ...rest } = response as Record<string, unknown>;
  const text = Array.isArray(message)
    ? message.map(String).join('; ')
    : typeof message === 'string'
      ? message
      : 'error';
  const details = Array.isArray(message) ? { problems: message, ...rest } : rest;
  return { code, message: text, ...(Object.keys(details).length > 0 ? { details } : {}) };
}
