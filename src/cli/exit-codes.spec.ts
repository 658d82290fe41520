import type { DomainErrorKind } from '../errors/domain.error';
import { EXIT_FAILURE, EXIT_INVALID_INPUT, exitCodeOfKind } from './exit-codes';

describe('exitCodeOfKind', () => {
  it.each<[DomainErrorKind, number]>([
    ['not_found', EXIT_INVALID_INPUT],
    ['invalid', EXIT_INVALID_INPUT],
    ['forbidden', EXIT_INVALID_INPUT],
    ['conflict', EXIT_FAILURE],
    ['unavailable', EXIT_FAILURE],
  ])('a %s error leaves with exit code %i', (kind, code) => {
    expect(exitCodeOfKind(kind)).toBe(code);
  });
});
