import { Command } from 'commander';
import { DatabaseCredentialStore } from '../credentials/database-credential-store';
import {
  MAKE_A_KEY,
  readKeyFile,
  requireSecretKey,
  secretKeyFromEnv,
  SECRET_KEY_VARIABLE,
  SecretKeyError,
  SecretKeySource,
  type SecretKey,
} from '../credentials/secret-key';
import { TokenDecryptionError } from '../credentials/token-cipher';
import { inCliContext } from './cli-context';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from './exit-codes';
import { SecretsCliModule } from './modules/secrets-cli.module';

export const NEW_SECRET_KEY_VARIABLE = 'METRONOME_NEW_SECRET_KEY';

/** `metronome secrets`: the key that encrypts channel tokens at rest (channel_tokens). */
export function secretsCommand(): Command {
  const secrets = new Command('secrets').description(
    `the key that encrypts the channels' OAuth tokens in the database (${SECRET_KEY_VARIABLE})`,
  );
  secrets
    .command('rotate-key')
    .description(
      `re-encrypts every channel's tokens under a new key, in one transaction; ${SECRET_KEY_VARIABLE} must be the current key. ` +
        'Stop Metronome first: a process still running with the old key would write renewed tokens under it',
    )
    .option(
      '--new-key-file <path>',
      `a file holding the new key (default: ${NEW_SECRET_KEY_VARIABLE}); make one with ${MAKE_A_KEY}`,
    )
    .action(async (options: { newKeyFile?: string }) => {
      const current = keyOrExit(() => requireSecretKey(process.env));
      const next = keyOrExit(() => newKey(options.newKeyFile));
      if (next.id === current.id) {
        throw new CliError(
          `the new key is the key in force (${current.id}): make a new one with ${MAKE_A_KEY}`,
          EXIT_INVALID_INPUT,
        );
      }
      const rotated = await inCliContext(SecretsCliModule.forRoot(), (app) =>
        keyOrExit(() => app.get(DatabaseCredentialStore).rotateKey(current, next)),
      );
      process.stdout.write(
        `re-encrypted the tokens of ${rotated} channel${rotated === 1 ? '' : 's'} under key ${next.id} (was ${current.id}).\n` +
          `Now set ${SECRET_KEY_VARIABLE} to the new key (key id ${next.id}) before Metronome next starts: the old key no longer opens them.\n`,
      );
    });
  secrets
    .command('status')
    .description(
      `how many channels' tokens are held, under which key ids, and whether ${SECRET_KEY_VARIABLE} opens them (exit 1 when not)`,
    )
    .action(async () => {
      const lines = await inCliContext(SecretsCliModule.forRoot(), (app) =>
        status(app.get(DatabaseCredentialStore), new SecretKeySource(process.env)),
      );
      process.stdout.write(`${lines.text}\n`);
      if (!lines.ok) {
        process.exitCode = EXIT_FAILURE;
      }
    });
  return secrets;
}

function newKey(file: string | undefined): SecretKey {
  if (file) {
    return readKeyFile(file, `--new-key-file ${file}`);
  }
  const key = secretKeyFromEnv(process.env, NEW_SECRET_KEY_VARIABLE);
  if (!key) {
    throw new SecretKeyError(
      `no new key: pass --new-key-file <path> or set ${NEW_SECRET_KEY_VARIABLE}; make one with ${MAKE_A_KEY}`,
    );
  }
  return key;
}

/** Key problems are the operator's input: their message alone, exit 2. */
function keyOrExit<T>(read: () => T): T {
  try {
    const value = read();
    if (value instanceof Promise) {
      return value.catch((error: unknown) => {
        throw asCliError(error);
      }) as T;
    }
    return value;
  } catch (error) {
    throw asCliError(error);
  }
}

function asCliError(error: unknown): unknown {
  if (error instanceof SecretKeyError) {
    return new CliError(error.message, EXIT_INVALID_INPUT);
  }
  if (error instanceof TokenDecryptionError) {
    return new CliError(`${error.message} (nothing was re-encrypted)`, EXIT_FAILURE);
  }
  return error;
}

async function status(
  store: DatabaseCredentialStore,
  keys: SecretKeySource,
): Promise<{ text: string; ok: boolean }> {
  const usage = await store.keyUsage();
  const total = usage.reduce((sum, { rows }) => sum + rows, 0);
  let key: SecretKey | undefined;
  let keyProblem: string | undefined;
  try {
    key = keys.optional();
  } catch (error) {
    if (!(error instanceof SecretKeyError)) {
      throw error;
    }
    keyProblem = error.message;
  }
  const lines = [`channels with stored tokens: ${total}`];
  for (const { keyId, rows } of usage) {
    lines.push(
      `  key ${keyId}: ${rows} channel${rows === 1 ? '' : 's'}${key?.id === keyId ? ' (the key in force)' : ''}`,
    );
  }
  if (keyProblem) {
    lines.push(`${SECRET_KEY_VARIABLE}: ${keyProblem}`);
    return { text: lines.join('\n'), ok: total === 0 };
  }
  if (!key) {
    lines.push(`${SECRET_KEY_VARIABLE}: not set${total > 0 ? ': the tokens cannot be read' : ''}`);
    return { text: lines.join('\n'), ok: total === 0 };
  }
  // Opening every row, not just comparing key ids: an altered row shows here rather than at its next publish.
  const unreadable: string[] = [];
  for (const { channelId } of await store.expiries()) {
    try {
      await store.read(channelId);
    } catch (error) {
      if (error instanceof SecretKeyError || error instanceof TokenDecryptionError) {
        unreadable.push(channelId);
      } else {
        throw error;
      }
    }
  }
  lines.push(
    unreadable.length === 0
      ? `${SECRET_KEY_VARIABLE}: key ${key.id}, opens all of them`
      : `${SECRET_KEY_VARIABLE}: key ${key.id}, does not open the tokens of ${unreadable.length} channel${unreadable.length === 1 ? '' : 's'} (${unreadable.join(', ')})`,
  );
  return { text: lines.join('\n'), ok: unreadable.length === 0 };
}
