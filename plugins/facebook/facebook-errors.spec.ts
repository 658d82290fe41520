import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from '../../src/plugin-sdk';
import { graphFailure, minutesToRegainAccess, throttledUntil } from './facebook-errors';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const write = {
  what: 'publishing a post',
  creates: true,
  reconnectHint: '`metronome channels connect acme/fb`',
  now: NOW,
};
const read = { ...write, what: 'reading comments', creates: false };
const body = (code: number, subcode?: number, message = 'words') => ({
  error: { message, type: 'OAuthException', code, error_subcode: subcode, fbtrace_id: 'AbC' },
});

describe('Graph error mapping', () => {
  it('190 (any subcode) and 102 ask for a reconnect naming the command; permission codes name the scopes', () => {
    for (const error of [
      graphFailure(400, {}, body(190, 463), write),
      graphFailure(400, {}, body(102), write),
    ]) {
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toContain('metronome channels connect acme/fb');
    }
    const permission = graphFailure(403, {}, body(200), write);
    expect(permission).toBeInstanceOf(AuthenticationError);
    expect(permission.message).toContain('pages_manage_posts');
    expect(graphFailure(403, {}, body(10), read)).toBeInstanceOf(AuthenticationError);
  });

  it('throttling codes wait until the latest estimate, never earlier than a second from now', () => {
    const headers = {
      'x-business-use-case-usage': JSON.stringify({
        '1': [{ type: 'pages', estimated_time_to_regain_access: 7 }],
      }),
      'x-app-usage': JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 2 }),
    };
    for (const code of [4, 17, 32, 613, 80001]) {
      const error = graphFailure(400, headers, body(code), write) as RateLimitedError;
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error.retryAt).toEqual(new Date(NOW.getTime() + 7 * 60_000));
    }
    expect(minutesToRegainAccess({ 'x-page-usage': 'not json' })).toBeUndefined();
    expect(throttledUntil({ 'x-page-usage': '{"estimated_time_to_regain_access":0}' }, NOW)).toEqual(
      new Date(NOW.getTime() + 1_000),
    );
    expect(throttledUntil({}, NOW)).toEqual(new Date(NOW.getTime() + 3_600_000));
    expect(throttledUntil({ 'retry-after': '600' }, NOW)).toEqual(new Date(NOW.getTime() + 600_000));
  });

  it('Graph’s own trouble is an unknown outcome on a create (looked up), transient on a read or a 503', () => {
    expect(graphFailure(500, {}, body(2), write)).toBeInstanceOf(OutcomeUnknownError);
    expect(graphFailure(500, {}, body(1), read)).toBeInstanceOf(TransientError);
    expect(graphFailure(503, {}, undefined, write)).toBeInstanceOf(TransientError);
  });

  it('refusals keep Graph’s code, words and trace id; 368 says where to look', () => {
    const refused = graphFailure(400, {}, body(100, 1609005, '(#100) bad link'), write) as PermanentError;
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused.platformCode).toBe('100');
    expect(refused.message).toContain('(#100) bad link (OAuthException 100/1609005, fbtrace_id AbC)');
    expect(graphFailure(400, {}, body(506), write)).toMatchObject({ platformCode: '506' });
    expect(graphFailure(400, {}, body(368), write).message).toContain('Account Quality');
  });
});
