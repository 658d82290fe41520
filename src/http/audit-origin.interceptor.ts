import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import { auditOrigin, type AuditOrigin } from '../persistence/audit-origin';
import type { ApiRequest } from './api-token.guard';

/**
 * Runs each authenticated request's handler with its audit origin (the token), so every audit row the
 * request writes records it; the origin closes when the handler's answer is ready.
 */
@Injectable()
export class AuditOriginInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const caller = context.switchToHttp().getRequest<ApiRequest>().apiCaller;
    if (!caller) {
      return next.handle();
    }
    const origin: AuditOrigin = { apiTokenId: caller.tokenId, open: true };
    // handle() binds the handler to the async context it is called in: call it inside the origin.
    return auditOrigin
      .run(origin, () => next.handle())
      .pipe(
        finalize(() => {
          origin.open = false;
        }),
      );
  }
}
