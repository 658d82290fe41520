import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { InstagramApi, graphResetAt } from './instagram-api';

const NOW = new Date('2026-12-07T12:00:00.500Z');

function answer(status: number, body: unknown, headers: Record<string, string> = {}): PluginHttpResponse {
  const text = JSON.stringify(body);
  return {
    status,
    headers,
    text: async () => text,
    json: async <T>() => JSON.parse(text) as T,
    bytes: async () => new Uint8Array(),
  };
}

function failure(
  status: number,
  error: unknown,
  mayCreate = false,
  headers: Record<string, string> = {},
): Error {
  const api = new InstagramApi(
    { request: async () => answer(status, error) },
    { now: () => NOW },
    'https://graph.instagram.com',
  );
  return api.failure(answer(status, error, headers), JSON.stringify(error), {
    path: '/1/media',
    what: 'creating a media container',
    mayCreate,
  });
}

describe('Graph errors mapped to the SDK', () => {
  it.each([
    [400, 190, undefined, AuthenticationError],
    [403, 10, undefined, AuthenticationError],
    [400, 4, undefined, RateLimitedError],
    [400, 9, 2207042, RateLimitedError],
    [400, 100, 2207010, PermanentError],
    [400, 2, undefined, TransientError],
  ])('%i with code %i/%s becomes %p', (status, code, subcode, type) => {
    expect(failure(status, { error: { message: 'm', code, error_subcode: subcode } })).toBeInstanceOf(type);
  });

  it('a 500 on a write may have created something: outcome unknown; on a read, transient', () => {
    expect(failure(500, { error: { message: 'boom', code: 1 } }, true)).toBeInstanceOf(OutcomeUnknownError);
    expect(failure(500, { error: { message: 'boom', code: 1 } }, false)).toBeInstanceOf(TransientError);
  });

  it('keeps the platform code on a refusal and names what was being done', () => {
    const error = failure(400, {
      error: { message: 'The caption is longer than 2200 characters', code: 100 },
    }) as PermanentError;
    expect(error.platformCode).toBe('100');
    expect(error.message).toMatch(/caption is longer.*creating a media container/);
  });
});

describe('graphResetAt', () => {
  it('takes the largest estimated_time_to_regain_access (minutes) from X-Business-Use-Case-Usage', () => {
    const header = JSON.stringify({
      '1': [{ estimated_time_to_regain_access: 3 }, { estimated_time_to_regain_access: 12 }],
    });
    expect(graphResetAt({ 'x-business-use-case-usage': header }, NOW).getTime()).toBe(
      NOW.getTime() + 12 * 60_000,
    );
  });

  it('falls back to Retry-After, then to a minute, and is never earlier than a second from now', () => {
    expect(graphResetAt({ 'retry-after': '90' }, NOW).getTime()).toBe(NOW.getTime() + 90_000);
    expect(graphResetAt({}, NOW).getTime()).toBe(NOW.getTime() + 60_000);
    const zero = JSON.stringify({ '1': [{ estimated_time_to_regain_access: 0 }] });
    expect(
      graphResetAt({ 'x-business-use-case-usage': zero, 'retry-after': '0' }, NOW).getTime(),
    ).toBeGreaterThanOrEqual(NOW.getTime() + 1_000);
  });
});
