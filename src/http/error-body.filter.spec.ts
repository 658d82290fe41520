import { BadRequestException, type ArgumentsHost, NotFoundException } from '@nestjs/common';
import {
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnavailableError,
} from '../errors/domain.error';
import { ErrorBodyFilter } from './error-body.filter';

function answer(exception: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const response = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new ErrorBodyFilter().catch(exception, host);
  return sent;
}

describe('ErrorBodyFilter', () => {
  it.each([
    [new NotFoundError('no post abc'), 404, 'not_found'],
    [new ConflictError('already published'), 409, 'conflict'],
    [new InvalidError('bad month'), 400, 'invalid'],
    [new ForbiddenError('not an approver'), 403, 'forbidden'],
    [new UnavailableError('no template'), 503, 'unavailable'],
  ])('maps a domain error of kind %# to its status and one body shape', (error, status, code) => {
    expect(answer(error)).toEqual({ status, body: { error: { code, message: error.message } } });
  });

  it('keeps a specific code and the details', () => {
    const error = new NotFoundError('no post abc', { postId: 'abc' }, 'post_not_found');
    expect(answer(error).body).toEqual({
      error: { code: 'post_not_found', message: 'no post abc', details: { postId: 'abc' } },
    });
  });

  it("gives Nest's own exceptions the same shape", () => {
    expect(answer(new NotFoundException('Cannot GET /nope'))).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'Cannot GET /nope' } },
    });
    expect(answer(new BadRequestException(['month: expected YYYY-MM', 'brand: required'])).body).toEqual({
      error: {
        code: 'invalid',
        message: 'month: expected YYYY-MM; brand: required',
        details: { problems: ['month: expected YYYY-MM', 'brand: required'] },
      },
    });
  });

  it('answers 500 without the cause for anything else', () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(answer(new TypeError('x is undefined at /app/src/secret.ts:12'))).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'internal error: the server log has the cause' } },
    });
    logged.mockRestore();
  });
});
