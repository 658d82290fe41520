import { Command } from 'commander';
import { formatConfigIssue, sortConfigIssues } from '../config/config-issue';
import { loadConfiguration, summarizeConfig } from '../config/config.loader';
import { validateContentFolders } from '../content/content-folder.validator';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'check a config file or folder and the brands’ content files; prints every problem as file:line:col  path  message (exit 2)',
    )
    .argument('[path]', 'config file or folder (overrides --config)')
    .addOption(configOption())
    .option(
      '--without-secrets',
      'for CI without production secrets: an unset ${env:…} or unreadable ${file:…} is a note, not an error',
    )
    .action(async (path: string | undefined, options: { config?: string; withoutSecrets?: boolean }) => {
      const configPath = path ?? resolveConfigPath(options.config);
      const result = await loadConfiguration(configPath, { withoutSecrets: options.withoutSecrets === true });
      for (const note of sortConfigIssues(result.notes)) {
        process.stderr.write(`${formatConfigIssue({ ...note, message: `note: ${note.message}` })}\n`);
      }
      if (result.ok) {
        // The brands' content folders too: the same file:line:col problems plan sync would report.
        const content = sortConfigIssues(await validateContentFolders(result.loaded)).map(formatConfigIssue);
        if (content.length > 0) {
          throw new CliError(
            `${content.join('\n')}\n${content.length} problem${content.length === 1 ? '' : 's'} in the content of ${configPath}`,
            EXIT_INVALID_INPUT,
          );
        }
        process.stdout.write(`ok  ${summarizeConfig(result.loaded)}\n`);
        return;
      }
      if (result.issues.length === 0) {
        // Only values that came from missing secrets failed the schema: nothing to fix in the files.
        process.stdout.write(`ok  ${configPath}: valid apart from the secrets noted above\n`);
        return;
      }
      const lines = sortConfigIssues(result.issues).map(formatConfigIssue);
      throw new CliError(
        `${lines.join('\n')}\n${lines.length} problem${lines.length === 1 ? '' : 's'} in ${configPath}`,
        EXIT_INVALID_INPUT,
      );
    });
}
