import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf, rateLimitResetOf } from './linkedin-errors';

const NOW = new Date('2026-12-07T16:45:10.000Z');

function answer(status: number, body: unknown, headers: Record<string, string> = {}): PluginHttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers,
    text: async () => text,
    json: async <T>() => JSON.parse(text) as T,
    bytes: async () => new TextEncoder().encode(text),
  };
}

describe('LinkedIn answers as SDK errors', () => {
  it('a daily limit waits until midnight UTC; a Retry-After (infrastructure protection) is honoured, never before now + 1 s', () => {
    expect(rateLimitResetOf({}, NOW)).toEqual(new Date('2026-12-08T00:00:00.000Z'));
    expect(rateLimitResetOf({ 'retry-after': '30' }, NOW)).toEqual(new Date('2026-12-07T16:45:40.000Z'));
    expect(rateLimitResetOf({ 'retry-after': '0' }, NOW)).toEqual(new Date('2026-12-07T16:45:11.000Z'));
  });

  it('maps statuses to what the core does next, with LinkedIn’s most specific code', async () => {
    const limited = await failureOf(
      answer(429, { status: 429, serviceErrorCode: 101, message: 'throttle' }),
      NOW,
      true,
      'publishing',
    );
    expect(limited).toBeInstanceOf(RateLimitedError);

    const expired = await failureOf(
      answer(401, { status: 401, code: 'EXPIRED_ACCESS_TOKEN', message: 'expired' }),
      NOW,
      true,
      'publishing',
    );
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect(expired.message).toContain('EXPIRED_ACCESS_TOKEN');

    const denied = await failureOf(
      answer(403, { status: 403, code: 'ACCESS_DENIED', message: 'Not enough permissions' }),
      NOW,
      false,
      'reading',
    );
    expect(denied).toBeInstanceOf(AuthenticationError);
    expect(denied.message).toContain('Page administrator');

    const invalid = await failureOf(
      answer(422, {
        status: 422,
        message: 'bad',
        errorDetails: {
          inputErrors: [{ code: 'DUPLICATE_POST', description: 'Duplicate post is detected' }],
        },
      }),
      NOW,
      true,
      'publishing',
    );
    expect(invalid).toBeInstanceOf(PermanentError);
    expect((invalid as PermanentError).platformCode).toBe('DUPLICATE_POST');

    const sunset = await failureOf(
      answer(426, {
        status: 426,
        code: 'NONEXISTENT_VERSION',
        message: 'Requested version 202301 is not active',
      }),
      NOW,
      true,
      'publishing',
    );
    expect(sunset.message).toContain('linkedin-version.ts');

    expect(await failureOf(answer(500, '<html>oops</html>'), NOW, true, 'publishing')).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(await failureOf(answer(503, {}), NOW, true, 'publishing')).toBeInstanceOf(TransientError);
    expect(await failureOf(answer(500, {}), NOW, false, 'reading')).toBeInstanceOf(TransientError);
  });
});
