import { Command } from 'commander';
import { loadConfiguration } from '../config/config.loader';
import { describeOrigin, LoadedPlugin } from '../plugin-host/loaded-plugin';
import { loadBuiltinPlugins } from '../plugin-host/plugin.loader';
import {
  ScaffoldRefusal,
  scaffoldPlugin,
  SCAFFOLD_KINDS,
  type ScaffoldResult,
} from '../plugin-host/scaffold/plugin-scaffold';
import { configOption, resolveConfigPath } from './config-path.option';
import { resolve } from 'node:path';
import { CliError, EXIT_FAILURE, EXIT_INVALID_INPUT } from './exit-codes';

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
    .description('show every plugin, built in or from the config, with its state and why any failed')
    .addOption(configOption())
    .action(async (options: { config?: string }) => {
      const configPath = resolveConfigPath(options.config);
      const result = await loadConfiguration(configPath);
      // Plugins are loaded from the config as written, so an invalid config still shows all of them.
      const list = result.ok ? result.loaded.plugins.all() : (result.plugins?.all() ?? loadBuiltinPlugins());
      process.stdout.write(`${'NAME'.padEnd(18)} ${'KIND'.padEnd(16)} ${'VERSION'.padEnd(9)} STATUS\n`);
      list.forEach((plugin) => process.stdout.write(`${row(plugin)}\n`));
      const failed = list.filter((plugin) => plugin.status === 'failed').length;
      if (failed > 0) {
        process.stderr.write(`${failed} plugin${failed === 1 ? '' : 's'} failed to load\n`);
        process.exitCode = EXIT_FAILURE;
      }
      if (!result.ok) {
        const count = result.issues.length;
        process.stderr.write(
          `${configPath} has ${count} problem${count === 1 ? '' : 's'}${result.plugins ? '' : ' (no file could be read, so only built-in plugins are listed)'}: run \`metronome validate\`\n`,
        );
        process.exitCode = EXIT_INVALID_INPUT;
      }
    });
  plugins
    .command('new')
    .description(`write a working plugin folder to start from: ${SCAFFOLD_KINDS.join(' | ')}`)
    .argument('<kind>', SCAFFOLD_KINDS.join(', '))
    .argument('<name>', 'the plugin name users write in YAML: lowercase letters, digits and dashes')
    .option('--dir <path>', 'the folder to write (new or empty); default ./<name>')
    .action((kind: string, name: string, options: { dir?: string }) => {
      const dir = resolve(options.dir ?? name);
      let result: ScaffoldResult;
      try {
        result = scaffoldPlugin({ kind, name, dir });
      } catch (error) {
        if (error instanceof ScaffoldRefusal) {
          throw new CliError(error.message, EXIT_INVALID_INPUT);
        }
        throw error;
      }
      process.stdout.write(`wrote the ${kind} plugin "${name}" to ${dir}:\n`);
      result.files.forEach((file) => process.stdout.write(`  ${file}\n`));
      if (result.build.ok) {
        process.stdout.write(
          'built it (dist/): `metronome validate` and `metronome plugins list` load it now\n',
        );
      } else {
        process.stderr.write(`not built yet: ${result.build.reason}\n`);
      }
      process.stdout.write(
        `next: cd ${dir} && npm install && npm test, then follow README.md (list the folder under \`plugins: - path:\` in metronome.yaml)\n`,
      );
    });
  return plugins;
}
