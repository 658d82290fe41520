/**
 * What went wrong, in domain terms. Services throw these; the HTTP layer maps each kind to a status once
 * (DomainErrorFilter) and the CLI to an exit code (cli/exit-codes.ts), so no caller inspects a message.
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'invalid' | 'forbidden' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    /** Machine-readable facts about the error (ids, states, fields), shown to API clients as `details`. */
    readonly details?: Record<string, unknown>,
    /** A stable code more specific than the kind (e.g. `post_not_found`); defaults to the kind. */
    readonly code?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The thing named does not exist (or is not visible to the caller). */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

/** The thing exists, but its state does not allow this now (already decided, already published…). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** The request itself is wrong: a value, a combination, a reference. */
export class InvalidError extends DomainError {
  readonly kind = 'invalid';
}

/** The caller may not do this (a person not on the approval step, a brand outside the token). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** Something this depends on cannot do it now (a platform, a renderer, a missing template): try later or fix it. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}
