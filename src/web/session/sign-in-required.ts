/** Thrown by the session guard when a page needs a session and the request has none: answered by a redirect. */
export class SignInRequired extends Error {
  constructor(readonly next: string) {
    super('sign-in required');
  }
}

/** Thrown when a state-changing request lacks the session's CSRF token or comes from another origin. */
export class CsrfRefused extends Error {}
