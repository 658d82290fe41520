import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from '../../src/plugin-sdk';
import { DUPLICATE_CONTENT, failureOf, problemOf, resetOf, unanswered } from './x-errors';

const now = new Date('2026-12-01T09:00:00.400Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

describe('x errors', () => {
  it('reads X problems and the older errors array', () => {
    expect(
      problemOf(
        400,
        JSON.stringify({
          title: 'Invalid Request',
          detail: 'bad',
          type: 'https://api.x.com/2/problems/invalid-request',
        }),
      ),
    ).toMatchObject({ code: 'invalid-request', message: 'Invalid Request: bad' });
    expect(
      problemOf(400, JSON.stringify({ errors: [{ message: 'Over capacity', code: 130 }] })),
    ).toMatchObject({
      code: '130',
      message: 'Over capacity',
    });
    expect(problemOf(502, '<html>Bad gateway</html>').message).toBe('<html>Bad gateway</html>');
  });

  it('waits until the second after the rounded-down reset, the latest exhausted window winning', () => {
    expect(
      resetOf({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(nowSeconds + 90) }, now),
    ).toEqual(new Date((nowSeconds + 91) * 1000));
    expect(
      resetOf(
        {
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(nowSeconds + 90),
          'x-user-limit-24hour-remaining': '0',
          'x-user-limit-24hour-reset': String(nowSeconds + 7_200),
        },
        now,
      ),
    ).toEqual(new Date((nowSeconds + 7_201) * 1000));
    expect(resetOf({}, now)).toEqual(new Date(now.getTime() + 15 * 60_000));
    // A reset already past: never before now + 1 s.
    expect(
      resetOf({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(nowSeconds - 5) }, now),
    ).toEqual(new Date(now.getTime() + 1_000));
  });

  it('maps statuses to what the core does next', () => {
    const map = (status: number, body: unknown, creates = true, headers: Record<string, string> = {}) =>
      failureOf(status, headers, problemOf(status, JSON.stringify(body)), now, creates, 'publishing a post');
    expect(
      map(429, { title: 'Too Many Requests' }, true, { 'x-rate-limit-reset': String(nowSeconds + 60) }),
    ).toBeInstanceOf(RateLimitedError);
    expect(
      map(429, { title: 'Usage cap exceeded', type: 'https://api.x.com/2/problems/usage-capped' }).message,
    ).toContain('monthly post cap');
    expect(map(401, { title: 'Unauthorized' })).toBeInstanceOf(AuthenticationError);
    expect(map(403, { title: 'Forbidden', detail: 'Missing scope' })).toBeInstanceOf(AuthenticationError);
    expect(map(403, { reason: 'client-not-enrolled', title: 'Client Forbidden' }).message).toContain(
      'Project',
    );
    const duplicate = map(403, {
      title: 'Forbidden',
      detail: 'You are not allowed to create a Tweet with duplicate content.',
    });
    expect(duplicate).toBeInstanceOf(PermanentError);
    expect((duplicate as PermanentError).platformCode).toBe(DUPLICATE_CONTENT);
    expect(map(400, { title: 'Invalid Request', detail: 'text too long' })).toBeInstanceOf(PermanentError);
    expect(map(500, {})).toBeInstanceOf(OutcomeUnknownError);
    expect(map(503, {})).toBeInstanceOf(TransientError);
    expect(map(500, {}, false)).toBeInstanceOf(TransientError);
  });

  it('no answer: a create may have arrived, unless it never left', () => {
    expect(unanswered(new Error('timeout'), true, 'publishing')).toBeInstanceOf(OutcomeUnknownError);
    expect(
      unanswered(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), true, 'publishing'),
    ).toBeInstanceOf(TransientError);
    expect(unanswered(new Error('timeout'), false, 'reading')).toBeInstanceOf(TransientError);
  });
});
