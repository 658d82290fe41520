import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiCaller } from './api-caller';
import type { ApiRequest } from './api-token.guard';

/** The authenticated caller of a guarded route (the guard has refused the request otherwise). */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ApiCaller => {
  const caller = context.switchToHttp().getRequest<ApiRequest>().apiCaller;
  if (!caller) {
    throw new Error('@Caller() on a route the API token guard did not authenticate');
  }
  return caller;
});

/** The caller of a public route, when it sent a valid token (details it may see); undefined otherwise. */
export const OptionalCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiCaller | undefined =>
    context.switchToHttp().getRequest<ApiRequest>().apiCaller,
);
