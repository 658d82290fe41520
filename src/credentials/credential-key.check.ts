import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InvalidError } from '../errors/domain.error';
import { DatabaseCredentialStore } from './database-credential-store';
import { MAKE_A_KEY, SECRET_KEY_VARIABLE, SecretKeyError, SecretKeySource } from './secret-key';

/**
 * Encrypted tokens are held but the key in force cannot open them. An InvalidError: the CLI prints the message
 * alone and leaves with EXIT_INVALID_INPUT (2), like any other missing or wrong setting.
 */
export class CredentialKeyError extends InvalidError {}

/**
 * What is wrong with the key for the rows held, in one paragraph (what, why, how to fix), or undefined when every
 * row is under the key in force (or there are no rows: then no key is needed).
 */
export async function credentialKeyProblem(
  store: DatabaseCredentialStore,
  keys: SecretKeySource,
): Promise<string | undefined> {
  const usage = await store.keyUsage();
  const rows = usage.reduce((sum, { rows: count }) => sum + count, 0);
  if (rows === 0) {
    return undefined;
  }
  const held = `the database holds the encrypted OAuth tokens of ${rows} channel${rows === 1 ? '' : 's'} (key id${usage.length === 1 ? '' : 's'} ${usage.map((u) => u.keyId).join(', ')})`;
  let key;
  try {
    key = keys.optional();
  } catch (error) {
    if (error instanceof SecretKeyError) {
      return `${held}, but ${error.message}.`;
    }
    throw error;
  }
  if (!key) {
    return (
      `${held}, but ${SECRET_KEY_VARIABLE} is not set, so Metronome cannot read them and those channels could not publish. ` +
      `Set ${SECRET_KEY_VARIABLE} (or ${SECRET_KEY_VARIABLE}_FILE, a file holding it) to the key they were encrypted with; ` +
      `if that key is lost, set a new one (${MAKE_A_KEY}) and connect each channel again with \`metronome channels connect <brand>/<channel>\`.`
    );
  }
  const foreign = usage.filter((u) => u.keyId !== key.id);
  if (foreign.length === 0) {
    return undefined;
  }
  const count = foreign.reduce((sum, { rows: n }) => sum + n, 0);
  return (
    `${held}, but ${count} of them were encrypted under key ${foreign.map((u) => u.keyId).join(', ')} while ${SECRET_KEY_VARIABLE} is key ${key.id}, so Metronome cannot read them. ` +
    `Set ${SECRET_KEY_VARIABLE} back to the key they were written with; to move to the new key, run \`metronome secrets rotate-key --new-key-file <file>\` with ${SECRET_KEY_VARIABLE} still set to the old key, then switch ${SECRET_KEY_VARIABLE} to the new one.`
  );
}

/** Stops the start of any context that builds connectors when the tokens held cannot be opened. */
@Injectable()
export class CredentialKeyCheck implements OnModuleInit {
  constructor(
    private readonly store: DatabaseCredentialStore,
    private readonly keys: SecretKeySource,
  ) {}

  async onModuleInit(): Promise<void> {
    const problem = await credentialKeyProblem(this.store, this.keys);
    if (problem) {
      throw new CredentialKeyError(`metronome: ${problem}`, undefined, 'secret_key_unusable');
    }
  }
}
