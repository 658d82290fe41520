import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
} from '../../src/plugin-sdk';
import { failureOf, unanswered } from './telegram-errors';

const now = new Date('2026-12-01T09:00:00.400Z');
const send = { what: 'publishing a post', creates: true };
const read = { what: 'reading', creates: false };
const answer = (error_code: number, description: string, parameters?: Record<string, number>) => ({
  ok: false,
  error_code,
  description,
  ...(parameters ? { parameters } : {}),
});

describe('telegram error mapping', () => {
  it('429 waits exactly retry_after seconds from now', () => {
    const error = failureOf(
      429,
      answer(429, 'Too Many Requests: retry after 35', { retry_after: 35 }),
      now,
      send,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(new Date(now.getTime() + 35_000));
  });

  it('429 without retry_after reads Retry-After, else a minute', () => {
    const withHeader = failureOf(429, answer(429, 'Too Many Requests'), now, send, { 'retry-after': '5' });
    expect((withHeader as RateLimitedError).retryAt).toEqual(new Date(now.getTime() + 5_000));
    const none = failureOf(429, undefined, now, send);
    expect((none as RateLimitedError).retryAt).toEqual(new Date(now.getTime() + 60_000));
  });

  it('401 and a token of no bot (404 Not Found) need a new token', () => {
    for (const error of [
      failureOf(401, answer(401, 'Unauthorized'), now, send),
      failureOf(404, answer(404, 'Not Found'), now, send),
    ]) {
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(/bot token was refused/);
    }
  });

  it('403 and missing rights say to add the bot as an admin with Post Messages', () => {
    for (const error of [
      failureOf(403, answer(403, 'Forbidden: bot was kicked from the channel chat'), now, send),
      failureOf(
        400,
        answer(400, 'Bad Request: not enough rights to send text messages to the chat'),
        now,
        send,
      ),
      failureOf(400, answer(400, 'Bad Request: chat not found'), now, send),
    ]) {
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toMatch(/administrator with the "Post Messages" right/);
    }
  });

  it('other 4xx refuse the post with Telegram’s words; a migrated group names the new id', () => {
    const refused = failureOf(400, answer(400, 'Bad Request: message is too long'), now, send);
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as PermanentError).platformCode).toBe('400');
    expect(refused.message).toMatch(/message is too long/);
    const migrated = failureOf(
      400,
      answer(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: -100777,
      }),
      now,
      send,
    );
    expect(migrated.message).toMatch(/set options.chat to "-100777"/);
  });

  it('a 5xx on a send may have posted (except 503); on a read it is transient', () => {
    expect(failureOf(500, answer(500, 'Internal Server Error'), now, send)).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(failureOf(502, undefined, now, send)).toBeInstanceOf(OutcomeUnknownError);
    expect(failureOf(503, undefined, now, send)).toBeInstanceOf(TransientError);
    expect(failureOf(500, undefined, now, read)).toBeInstanceOf(TransientError);
  });

  it('no answer: unknown for a send that may have left, transient when it never left or for a read', () => {
    const refused = Object.assign(new Error('fetch failed'), {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(unanswered(new Error('The operation was aborted due to timeout'), send)).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(unanswered(refused, send)).toBeInstanceOf(TransientError);
    expect(unanswered(new Error('timeout'), read)).toBeInstanceOf(TransientError);
  });
});
