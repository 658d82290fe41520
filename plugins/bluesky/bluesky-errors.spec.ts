import { AuthenticationError, PermanentError, RateLimitedError } from '../../src/plugin-sdk';
import { XrpcError, rateLimitReset, toSdkError } from './bluesky-errors';

const NOW = new Date('2026-12-02T09:15:00.000Z');
const ACCOUNT = 'acme.bsky.social on bsky.social';
const RESET = new Date('2026-12-02T09:40:00.000Z');
const RESET_SECONDS = String(RESET.getTime() / 1000);

function mapped(status: number, error?: string, headers: Record<string, string> = {}): Error {
  return toSdkError(
    new XrpcError(status, error, 'what the PDS said', headers),
    'publishing a post',
    ACCOUNT,
    NOW,
  );
}

describe('bluesky errors', () => {
  it('takes the reset time from RateLimit-Reset (epoch seconds), else from Retry-After', () => {
    expect(rateLimitReset({ 'ratelimit-reset': RESET_SECONDS }, NOW)).toEqual(RESET);
    expect(rateLimitReset({ 'retry-after': '30' }, NOW)).toEqual(new Date(NOW.getTime() + 30_000));
    expect(rateLimitReset({}, NOW)).toBeUndefined();
  });

  it('takes the later of RateLimit-Reset (rounded down by the PDS) and Retry-After (rounded up)', () => {
    const now = new Date('2026-12-02T09:15:00.600Z');
    const headers = { 'ratelimit-reset': String(Math.floor(now.getTime() / 1000)), 'retry-after': '1' };
    expect(rateLimitReset(headers, now)).toEqual(new Date('2026-12-02T09:15:01.600Z'));
    expect(rateLimitReset({ 'ratelimit-reset': 'soon', 'retry-after': '2' }, now)).toEqual(
      new Date('2026-12-02T09:15:02.600Z'),
    );
  });

  it('maps a 429 to RateLimitedError carrying the reset time', () => {
    const error = mapped(429, 'RateLimitExceeded', { 'ratelimit-reset': RESET_SECONDS });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(RESET);
    expect(error.message).toContain('resets at 2026-12-02T09:40:00.000Z');
  });

  it('maps refused credentials and blocked accounts to AuthenticationError with what to do', () => {
    expect(mapped(401, 'AuthenticationRequired')).toBeInstanceOf(AuthenticationError);
    expect(mapped(401, 'AuthenticationRequired').message).toMatch(/create a new app password at bsky\.app/);
    expect(mapped(400, 'InvalidToken')).toBeInstanceOf(AuthenticationError);
    const takedown = mapped(400, 'AccountTakedown');
    expect(takedown).toBeInstanceOf(AuthenticationError);
    expect(takedown.message).toMatch(/the account is takedown.*Sign in at bsky\.app/);
  });

  it('maps server trouble to a retryable error and a refused request to PermanentError', () => {
    const transient = mapped(502);
    expect(transient).not.toBeInstanceOf(PermanentError);
    expect(transient).not.toBeInstanceOf(AuthenticationError);
    expect(mapped(400, 'InvalidRequest')).toBeInstanceOf(PermanentError);
    expect(mapped(400, 'InvalidRequest').message).toBe(
      `Bluesky (${ACCOUNT}) rejected publishing a post: 400 InvalidRequest: what the PDS said`,
    );
  });
});
