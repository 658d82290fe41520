import { createPkcePair, randomState, s256Challenge } from './pkce';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of the RFC 7636 Appendix B example', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('creates verifiers of 43 unreserved characters, different each time, with their challenge', () => {
    const first = createPkcePair();
    const second = createPkcePair();
    expect(first.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(first.verifier).not.toBe(second.verifier);
    expect(first.challenge).toBe(s256Challenge(first.verifier));
    expect(first.method).toBe('S256');
  });

  it('makes states that do not repeat', () => {
    const states = new Set(Array.from({ length: 100 }, () => randomState()));
    expect(states.size).toBe(100);
  });
});
