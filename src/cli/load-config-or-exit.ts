import { formatConfigIssue, sortConfigIssues } from '../config/config-issue';
import { loadConfiguration, LoadedConfig } from '../config/config.loader';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';

/** Loads the configuration, or throws a CliError listing every problem (exit code 2). */
export async function loadConfigOrExit(configPath: string): Promise<LoadedConfig> {
  const result = await loadConfiguration(configPath);
  if (!result.ok) {
    const lines = sortConfigIssues(result.issues).map(formatConfigIssue);
    throw new CliError(
      `${lines.join('\n')}\n${lines.length} problem${lines.length === 1 ? '' : 's'} in ${configPath}`,
      EXIT_INVALID_INPUT,
    );
  }
  return result.loaded;
}
