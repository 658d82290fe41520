import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf, isDailyQuotaError, unanswered } from './youtube-errors';

const now = new Date('2026-12-07T12:00:00Z'); // 04:00 PST
const response = (
  status: number,
  reason?: string,
  headers: Record<string, string> = {},
): PluginHttpResponse => {
  const body = JSON.stringify({
    error: {
      code: status,
      message: `message ${reason ?? ''}`,
      errors: reason ? [{ reason, domain: 'youtube.quota' }] : [],
    },
  });
  return {
    status,
    headers,
    text: () => Promise.resolve(body),
    json: () => Promise.resolve(JSON.parse(body) as never),
    bytes: () => Promise.resolve(new Uint8Array()),
  };
};
const map = (status: number, reason?: string, creates = false, headers: Record<string, string> = {}) =>
  failureOf(response(status, reason, headers), { now, creates, what: 'testing' });

describe('youtube error mapping', () => {
  it('403 quotaExceeded waits until midnight Pacific Time', async () => {
    const error = await map(403, 'quotaExceeded');
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(new Date('2026-12-08T08:00:00Z'));
    expect(isDailyQuotaError(error)).toBe(true);
  });

  it('429 and rateLimitExceeded wait for Retry-After (or a minute); uploadLimitExceeded for 24 hours', async () => {
    expect(((await map(429, undefined, false, { 'retry-after': '30' })) as RateLimitedError).retryAt).toEqual(
      new Date(now.getTime() + 30_000),
    );
    expect(((await map(403, 'rateLimitExceeded')) as RateLimitedError).retryAt).toEqual(
      new Date(now.getTime() + 60_000),
    );
    const upload = await map(400, 'uploadLimitExceeded');
    expect(upload).toBeInstanceOf(RateLimitedError);
    expect((upload as RateLimitedError).retryAt).toEqual(new Date(now.getTime() + 86_400_000));
  });

  it('401 and 403 for the account need a reconnect; 403 for the request itself is a refusal', async () => {
    expect(await map(401, 'authError')).toBeInstanceOf(AuthenticationError);
    expect(await map(403, 'insufficientPermissions')).toBeInstanceOf(AuthenticationError);
    expect(await map(403, 'youtubeSignupRequired')).toBeInstanceOf(AuthenticationError);
    expect(await map(403)).toBeInstanceOf(AuthenticationError);
    const disabled = await map(403, 'commentsDisabled');
    expect(disabled).toBeInstanceOf(PermanentError);
    expect((disabled as PermanentError).platformCode).toBe('commentsDisabled');
    expect(
      await failureOf(response(403, 'forbidden'), {
        now,
        creates: false,
        what: 'x',
        forbiddenIsRefusal: true,
      }),
    ).toBeInstanceOf(PermanentError);
  });

  it('other 4xx refuse the post with YouTube’s reason', async () => {
    const error = await map(400, 'invalidTitle');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('invalidTitle');
  });

  it('5xx on a request that may create is an unknown outcome, except 503; on a read it is transient', async () => {
    expect(await map(500, 'backendError', true)).toBeInstanceOf(OutcomeUnknownError);
    expect(await map(503, 'backendError', true)).toBeInstanceOf(TransientError);
    expect(await map(500, 'backendError', false)).toBeInstanceOf(TransientError);
  });

  it('no answer: unknown when it may have created something and left the machine, transient otherwise', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(unanswered(reset, true, 'x')).toBeInstanceOf(OutcomeUnknownError);
    expect(unanswered(refused, true, 'x')).toBeInstanceOf(TransientError);
    expect(unanswered(reset, false, 'x')).toBeInstanceOf(TransientError);
  });
});
