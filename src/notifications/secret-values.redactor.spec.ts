import { redactSecretValues } from './secret-values.redactor';

describe('redactSecretValues', () => {
  it('replaces every occurrence of each secret, but not values too short to be told from ordinary text', () => {
    const secrets = new Set(['hunter2-password', 'abc']);

    expect(redactSecretValues('login hunter2-password failed (hunter2-password) abc', secrets)).toBe(
      'login [redacted] failed ([redacted]) abc',
    );
  });
});
