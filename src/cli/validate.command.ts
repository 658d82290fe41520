import { Command } from 'commander';
import { summarizeConfig } from '../config/config.loader';
import { configOption, resolveConfigPath } from './config-path.option';
import { loadConfigOrExit } from './load-config-or-exit';

export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'check a config file or folder; prints every problem as file:line:col  path  message (exit 2)',
    )
    .argument('[path]', 'config file or folder (overrides --config)')
    .addOption(configOption())
    .action(async (path: string | undefined, options: { config?: string }) => {
      const loaded = await loadConfigOrExit(path ?? resolveConfigPath(options.config));
      process.stdout.write(`ok  ${summarizeConfig(loaded)}\n`);
    });
}
