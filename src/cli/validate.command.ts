import { Command } from 'commander';
import { formatConfigIssue, sortConfigIssues } from '../config/config-issue';
import { summarizeConfig } from '../config/config.loader';
import { validateContentFolders } from '../content/content-folder.validator';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { configOption, resolveConfigPath } from './config-path.option';
import { loadConfigOrExit } from './load-config-or-exit';

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'check a config file or folder and the brands’ content files; prints every problem as file:line:col  path  message (exit 2)',
    )
    .argument('[path]', 'config file or folder (overrides --config)')
    .addOption(configOption())
    .action(async (path: string | undefined, options: { config?: string }) => {
      const configPath = path ?? resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(configPath);
      // The brands' content folders too: the same file:line:col problems plan sync would report.
      const content = sortConfigIssues(await validateContentFolders(loaded)).map(formatConfigIssue);
      if (content.length > 0) {
        throw new CliError(
          `${content.join('\n')}\n${content.length} problem${content.length === 1 ? '' : 's'} in the content of ${configPath}`,
          EXIT_INVALID_INPUT,
        );
      }
      process.stdout.write(`ok  ${summarizeConfig(loaded)}\n`);
    });
}
