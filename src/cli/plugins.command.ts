import { Command } from 'commander';
import { loadConfiguration } from '../config/config.loader';
import { describeOrigin, LoadedPlugin } from '../plugin-host/loaded-plugin';
import { loadBuiltinPlugins } from '../plugin-host/plugin.loader';
import { configOption, resolveConfigPath } from './config-path.option';
import { EXIT_INVALID_INPUT } from './exit-codes';

function row(plugin: LoadedPlugin): string {
  const status = plugin.status === 'loaded' ? 'loaded' : `FAILED: ${plugin.error}`;
  return [
    plugin.name.padEnd(18),
    (plugin.kind ?? '?').padEnd(16),
    (plugin.version ?? '?').padEnd(9),
    status,
    `  (${describeOrigin(plugin.origin)})`,
  ].join(' ');
}

export function pluginsCommand(): Command {
  const plugins = new Command('plugins').description('plugins: connectors, notifiers, report templates');
  plugins
    .command('list')
    .description('show every plugin that loaded, and why any did not')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      const result = await loadConfiguration(resolveConfigPath(options.config));
      const list = result.ok ? result.loaded.plugins.all() : loadBuiltinPlugins();
      process.stdout.write(`${'NAME'.padEnd(18)} ${'KIND'.padEnd(16)} ${'VERSION'.padEnd(9)} STATUS\n`);
      list.forEach((plugin) => process.stdout.write(`${row(plugin)}\n`));
      if (!result.ok) {
        process.stderr.write(
          'the configuration is invalid, so only built-in plugins are listed: run `metronome validate`\n',
        );
        process.exitCode = EXIT_INVALID_INPUT;
      } else if (list.some((p) => p.status === 'failed')) {
        process.exitCode = 1;
      }
    });
  return plugins;
}
