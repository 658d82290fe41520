import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from '../../src/plugin-sdk';
import { failureOf, tiktokErrorFromText, unanswered } from './tiktok-errors';

const now = new Date('2026-12-07T10:00:00.500Z');
const map = (status: number, code: string, creates = false, headers: Record<string, string> = {}) =>
  failureOf(status, headers, { code, message: 'm', logId: 'L1' }, 'starting the post', {
    now,
    scope: 'acme/tiktok',
    creates,
  });

describe('tiktok error mapping', () => {
  it('reads TikTok’s error object, and a gateway page without one', () => {
    expect(
      tiktokErrorFromText('{"error":{"code":"invalid_params","message":"bad","log_id":"X"}}', 400),
    ).toEqual({
      code: 'invalid_params',
      message: 'bad',
      logId: 'X',
    });
    expect(tiktokErrorFromText('<html>502</html>', 502)).toMatchObject({ code: 'http_502' });
  });

  it('maps the unaudited refusal (a 403) to a PermanentError with the fix, not to a reconnect', () => {
    const error = map(403, 'unaudited_client_can_only_post_to_private_accounts');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain(
      'TikTok restricts unaudited apps to private posts: set extra.privacy: SELF_ONLY or get the app audited (https://developers.tiktok.com/',
    );
  });

  it('maps rate limits with a reset never earlier than TikTok’s window or header', () => {
    const limited = map(429, 'rate_limit_exceeded') as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAt!.getTime()).toBe(now.getTime() + 60_000);
    const withHeader = map(429, 'rate_limit_exceeded', false, { 'retry-after': '90' }) as RateLimitedError;
    expect(withHeader.retryAt!.getTime()).toBe(now.getTime() + 90_000);
    // Epoch seconds rounded down by the sender: the next whole second.
    const epoch = map(429, 'x', false, {
      'x-ratelimit-reset': String(Math.floor(now.getTime() / 1000) + 30),
    }) as RateLimitedError;
    expect(epoch.retryAt!.getTime()).toBe((Math.floor(now.getTime() / 1000) + 31) * 1000);
    expect(map(403, 'spam_risk_too_many_posts')).toBeInstanceOf(RateLimitedError);
  });

  it('maps tokens and scopes to a reconnect naming the command, refusals to PermanentError, 5xx by what was sent', () => {
    expect(map(401, 'access_token_invalid')).toBeInstanceOf(AuthenticationError);
    expect(map(401, 'scope_not_authorized').message).toContain('video.publish');
    expect(map(403, 'something_else').message).toContain('metronome channels connect acme/tiktok');
    expect(map(400, 'privacy_level_option_mismatch')).toBeInstanceOf(PermanentError);
    expect(map(400, 'invalid_params')).toBeInstanceOf(PermanentError);
    expect(map(500, 'internal_error', true)).toBeInstanceOf(OutcomeUnknownError);
    expect(map(503, 'internal_error', true)).toBeInstanceOf(TransientError);
    expect(map(500, 'internal_error', false)).toBeInstanceOf(TransientError);
  });

  it('no answer: unknown outcome for a request that may start a post, unless it never left', () => {
    expect(unanswered(new Error('timed out'), 'x', true)).toBeInstanceOf(OutcomeUnknownError);
    expect(unanswered(new Error('timed out'), 'x', false)).toBeInstanceOf(TransientError);
    const refused = Object.assign(new Error('connect'), { cause: { code: 'ECONNREFUSED' } });
    expect(unanswered(refused, 'x', true)).toBeInstanceOf(TransientError);
  });
});
