import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf, rateLimitResetOf, unanswered } from './wordpress-errors';

const NOW = new Date('2026-12-07T10:00:00.000Z');

function answer(status: number, body: unknown, headers: Record<string, string> = {}): PluginHttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers,
    text: () => Promise.resolve(text),
    json: () => Promise.resolve(JSON.parse(text) as never),
    bytes: () => Promise.resolve(Buffer.from(text)),
  };
}

const wp = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  answer(status, { code, message, data: { status, ...extra } });

describe('wordpress error mapping', () => {
  it('a refused create names the role needed (401 and 403 rest_cannot_create)', async () => {
    for (const status of [401, 403]) {
      const error = await failureOf(
        wp(status, 'rest_cannot_create', 'Sorry, you are not allowed to create posts as this user.'),
        NOW,
        true,
        'publishing a post',
        'ana',
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(/"ana".*must be an Author or above/);
    }
  });

  it('a refused application password says how to make a new one', async () => {
    const error = await failureOf(
      wp(401, 'incorrect_password', 'The provided password is an invalid application password.'),
      NOW,
      false,
      'reading the user',
      'ana',
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/Application Passwords/);
  });

  it('rest_invalid_param is a refusal naming the parameter', async () => {
    const error = await failureOf(
      wp(400, 'rest_invalid_param', 'Invalid parameter(s): status', {
        params: { status: 'status is not one of publish, future, draft, pending, and private.' },
      }),
      NOW,
      true,
      'publishing a post',
      'ana',
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).platformCode).toBe('rest_invalid_param');
    expect(error.message).toMatch(/status is not one of publish/);
  });

  it('429 waits for Retry-After plus a second (servers round down), else a minute', async () => {
    const error = await failureOf(wp(429, 'too_many', 'Slow down'), NOW, true, 'publishing', 'ana');
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(new Date('2026-12-07T10:01:00.000Z'));
    expect(rateLimitResetOf({ 'retry-after': '30' }, NOW)).toEqual(new Date('2026-12-07T10:00:31.000Z'));
    expect(rateLimitResetOf({ 'retry-after': '0' }, NOW)).toEqual(new Date('2026-12-07T10:00:01.000Z'));
  });

  it('a 5xx on a create may have created it (except 503); on a read it is transient', async () => {
    expect(await failureOf(answer(500, '<html>Critical error</html>'), NOW, true, 'p', 'ana')).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(await failureOf(answer(502, ''), NOW, true, 'p', 'ana')).toBeInstanceOf(OutcomeUnknownError);
    expect(await failureOf(answer(503, ''), NOW, true, 'p', 'ana')).toBeInstanceOf(TransientError);
    expect(await failureOf(answer(500, ''), NOW, false, 'p', 'ana')).toBeInstanceOf(TransientError);
  });

  it('no answer: unknown for a create that left, transient when it never left or for a read', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(unanswered(reset, true, 'publishing')).toBeInstanceOf(OutcomeUnknownError);
    expect(unanswered(refused, true, 'publishing')).toBeInstanceOf(TransientError);
    expect(unanswered(reset, false, 'reading')).toBeInstanceOf(TransientError);
  });
});
