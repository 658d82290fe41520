import type { DomainErrorKind } from '../errors/domain.error';

/** 0 ok · 1 something failed while running · 2 the input (config, flags, arguments) is invalid. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_INVALID_INPUT = 2;

/** An error whose message is meant for the person at the terminal, with the exit code to leave with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** The exit code for a domain error: a wrong argument (unknown id, invalid value, not allowed) is the input's fault. */
export function exitCodeOfKind(kind: DomainErrorKind): number {
  switch (kind) {
    case 'not_found':
    case 'invalid':
    case 'forbidden':
      return EXIT_INVALID_INPUT;
    case 'conflict':
    case 'unavailable':
      return EXIT_FAILURE;
  }
}
