import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf, rateLimitResetOf, unanswered } from './pinterest-errors';

const NOW = new Date('2026-12-07T16:45:10.400Z');

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

const at = (creates = true, extra: { sandbox?: boolean; boardNotFound?: string } = {}) => ({
  creates,
  what: 'publishing a pin',
  now: NOW,
  sandbox: extra.sandbox ?? false,
  boardNotFound: extra.boardNotFound,
});

describe('Pinterest answers as SDK errors', () => {
  it('a 429 waits past the reset header, rounded up and one second more, never before now + 1 s', () => {
    // X-RateLimit-Reset as seconds from now (rounded down by the platform).
    expect(rateLimitResetOf({ 'x-ratelimit-reset': '30' }, NOW, false)).toEqual(
      new Date('2026-12-07T16:45:42.000Z'),
    );
    // As epoch seconds, and as a date.
    expect(
      rateLimitResetOf(
        { 'x-ratelimit-reset': String(Date.parse('2026-12-07T16:50:00Z') / 1000) },
        NOW,
        false,
      ),
    ).toEqual(new Date('2026-12-07T16:50:01.000Z'));
    expect(rateLimitResetOf({ 'x-ratelimit-reset': '2026-12-07T16:46:00Z' }, NOW, false)).toEqual(
      new Date('2026-12-07T16:46:01.000Z'),
    );
    // Retry-After first.
    expect(rateLimitResetOf({ 'retry-after': '10', 'x-ratelimit-reset': '500' }, NOW, false)).toEqual(
      new Date('2026-12-07T16:45:22.000Z'),
    );
    expect(rateLimitResetOf({ 'x-ratelimit-reset': '0' }, NOW, false).getTime()).toBeGreaterThanOrEqual(
      NOW.getTime() + 1_000,
    );
  });

  it('a 429 without a header waits a minute (standard access), or until midnight UTC in the sandbox (trial: per day)', () => {
    expect(rateLimitResetOf({}, NOW, false)).toEqual(new Date(NOW.getTime() + 60_000));
    expect(rateLimitResetOf({}, NOW, true)).toEqual(new Date('2026-12-08T00:00:00.000Z'));
  });

  it('maps 429, 401, 403, 404 (board), 400, 5xx on a create and on a read', async () => {
    const limited = await failureOf(
      answer(429, { code: 8, message: 'This request exceeded a rate limit.' }, { 'x-ratelimit-reset': '5' }),
      at(),
    );
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAt).toEqual(new Date('2026-12-07T16:45:17.000Z'));
    expect(limited.message).toContain('8: This request exceeded a rate limit.');

    const expired = await failureOf(answer(401, { code: 2, message: 'Authentication failed.' }), at());
    expect(expired).toBeInstanceOf(AuthenticationError);
    expect(expired.message).toMatch(/metronome channels connect/);

    const forbidden = await failureOf(
      answer(403, { code: 29, message: 'You are not permitted to access that resource.' }),
      at(),
    );
    expect(forbidden).toBeInstanceOf(AuthenticationError);
    expect(forbidden.message).toMatch(/sandbox: true/);

    const board = await failureOf(
      answer(404, { code: 404, message: 'Board not found.' }),
      at(true, { boardNotFound: '123', sandbox: true }),
    );
    expect(board).toBeInstanceOf(PermanentError);
    expect(board.message).toMatch(/board 123 .*sandbox boards are separate/);
    expect((board as PermanentError).platformCode).toBe('404');

    const refused = await failureOf(answer(400, { code: 1, message: 'Invalid parameters.' }), at());
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as PermanentError).platformCode).toBe('1');

    expect(await failureOf(answer(500, { code: 500, message: 'oops' }), at())).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(await failureOf(answer(502, '<html>Bad gateway</html>'), at())).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(await failureOf(answer(503, { code: 503, message: 'down' }), at())).toBeInstanceOf(TransientError);
    expect(await failureOf(answer(500, { code: 500, message: 'oops' }), at(false))).toBeInstanceOf(
      TransientError,
    );
  });

  it('shows the start of a body that is not JSON', async () => {
    const error = await failureOf(answer(400, 'Bad request from a proxy'), at());
    expect(error.message).toContain('Bad request from a proxy');
  });

  it('no answer: unknown outcome for a create that may have left, transient otherwise', () => {
    const timeout = new Error('timed out after 400 ms');
    expect(unanswered(timeout, true, 'publishing a pin')).toBeInstanceOf(OutcomeUnknownError);
    expect(unanswered(timeout, false, 'listing pins')).toBeInstanceOf(TransientError);
    const refusedConnection = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(unanswered(refusedConnection, true, 'publishing a pin')).toBeInstanceOf(TransientError);
  });
});
