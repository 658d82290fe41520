import { neverSent, networkErrorCode, RETRYABLE_NETWORK_ERROR_CODES } from './network-errors';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('network error codes', () => {
  it('finds a code down the cause chain, as fetch wraps the socket error', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(neverSent(fetchFailed)).toBe(true);
    expect(networkErrorCode(fetchFailed, RETRYABLE_NETWORK_ERROR_CODES)).toBe('ECONNREFUSED');
  });

  it('does not call a cut connection "never sent": the request may have arrived', () => {
    const reset = new TypeError('fetch failed', { cause: withCode('ECONNRESET') });
    expect(neverSent(reset)).toBe(false);
    expect(networkErrorCode(reset, RETRYABLE_NETWORK_ERROR_CODES)).toBe('ECONNRESET');
  });

  it('knows nothing of errors without a network code', () => {
    expect(neverSent(new Error('400 Bad Request'))).toBe(false);
    expect(networkErrorCode(withCode('EACCES'), RETRYABLE_NETWORK_ERROR_CODES)).toBeUndefined();
    expect(neverSent(undefined)).toBe(false);
  });
});
