import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf } from './threads-errors';

const NOW = new Date('2026-12-07T10:00:00.000Z');

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

const graph = (code: number, message = 'm', subcode?: number) => ({
  error: {
    message,
    type: 'OAuthException',
    code,
    ...(subcode ? { error_subcode: subcode } : {}),
    fbtrace_id: 't',
  },
});

const fail = (response: PluginHttpResponse, creates = false) =>
  failureOf(response, 'publishing the container', { now: NOW, scope: 'acme/threads', creates });

describe('failureOf: Graph error bodies to the SDK errors', () => {
  it('a token Graph refuses (190, 401) needs a reconnect that names the command', async () => {
    const error = await fail(
      answer(400, graph(190, 'Error validating access token: Session has expired.', 463)),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(
      'Threads refused the access token while publishing the container: Error validating access token: Session has expired. (code 190/463). Reconnect the channel with `metronome channels connect acme/threads` (or replace its accessToken)',
    );
    expect(await fail(answer(401, 'unauthorized'))).toBeInstanceOf(AuthenticationError);
  });

  it('a missing permission (10, 2xx, 403) needs a reconnect granting the scopes', async () => {
    const error = await fail(answer(400, graph(10)));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('threads_content_publish');
    expect(await fail(answer(400, graph(200)))).toBeInstanceOf(AuthenticationError);
  });

  it('throttling (429, codes 4/17/32/613) waits for Retry-After, never less than a second from now', async () => {
    const limited = (await fail(answer(429, graph(4), { 'retry-after': '30' }))) as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAt).toEqual(new Date(NOW.getTime() + 30_000));
    const rounded = (await fail(answer(400, graph(17), { 'retry-after': '0' }))) as RateLimitedError;
    expect(rounded.retryAt).toEqual(new Date(NOW.getTime() + 1_000));
    const untold = (await fail(answer(400, graph(613)))) as RateLimitedError;
    expect(untold.retryAt).toEqual(new Date(NOW.getTime() + 60_000));
  });

  it('a refused request keeps Threads’ code and words; a server error on a create is an unknown outcome', async () => {
    const refused = await fail(answer(400, graph(100, 'Param text must be at most 500 characters long.')));
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused).toMatchObject({ platformCode: '100' });
    expect(refused.message).toBe(
      'refused by the platform (100): Param text must be at most 500 characters long. (while publishing the container)',
    );
    expect(await fail(answer(500, graph(1)), true)).toBeInstanceOf(OutcomeUnknownError);
    expect(await fail(answer(503, 'down'), true)).toBeInstanceOf(TransientError);
    expect(await fail(answer(500, graph(2)), false)).toBeInstanceOf(TransientError);
    expect(await fail(answer(502, '<html>bad gateway</html>'), false)).toBeInstanceOf(TransientError);
  });
});
