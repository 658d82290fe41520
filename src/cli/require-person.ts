import type { LoadedConfig } from '../config/config.loader';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';

/** `--as <person>` must name a person of the config; otherwise exit 2 listing who there is. */
export function requirePerson(loaded: LoadedConfig, person: string): void {
  if (!loaded.config.people[person]) {
    throw new CliError(
      `unknown person "${person}" (people: ${Object.keys(loaded.config.people).join(', ')})`,
      EXIT_INVALID_INPUT,
    );
  }
}
