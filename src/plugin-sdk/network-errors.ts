/**
 * Node's error codes for a request that failed in the network, shared by the core and the connectors so they
 * judge a failure the same way. Codes are looked for on the error and down its `cause` chain (fetch wraps the
 * socket's error in a TypeError, TypeORM in a QueryFailedError).
 */

/** The request never left this machine (no connection, no name, an untrusted certificate): nothing happened on the server. */
export const NOT_SENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The other side cannot be reached right now (refused, cut, timed out, its name did not resolve): worth
 * trying again later, unlike an answer that refused the request.
 */
export const RETRYABLE_NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The first error code (a string `code`) among `codes` on the error or its causes, if any. */
export function networkErrorCode(error: unknown, codes: ReadonlySet<string>): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the error proves the request never reached the server (see NOT_SENT_ERROR_CODES). */
export function neverSent(error: unknown): boolean {
  return networkErrorCode(error, NOT_SENT_ERROR_CODES) !== undefined;
}
