import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the verifier stays with us, the S256 challenge goes on the consent URL. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/**
 * RFC 7636 §4.1: the verifier is 43–128 characters of [A-Z a-z 0-9 - . _ ~]. 32 random bytes in base64url give
 * 43 characters of exactly that alphabet (the RFC's own recommendation).
 */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))), no padding. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The `state` of one authorization: unguessable (RFC 6749 §10.12), single-use, our table's key. */
export function randomState(): string {
  return randomBytes(24).toString('base64url');
}
