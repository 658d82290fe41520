import { Command } from 'commander';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ChannelRepository } from '../channels/channel.repository';
import { Clock } from '../clock/clock';
import { configOption, resolveConfigPath } from './config-path.option';
import { count, table } from './cli.format';
import { inCliContext } from './cli-context';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { RecordsCliModule } from './modules/records-cli.module';
import { requirePerson } from './require-person';

export function channelsCommand(): Command {
  const channels = new Command('channels').description(
    "the brands' channels as publishing sees them, and bringing one back after its credentials were refused",
  );
  channels
    .command('list')
    .description('every channel with its connector and status (active, needs_reconnect, disabled)')
    .option('-b, --brand <id>', 'one brand only')
    .addOption(configOption())
    .action(async (options: { brand?: string; config?: string }) => {
      await loadConfigOrExit(resolveConfigPath(options.config));
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(ChannelRepository).list({ brand: options.brand });
        if (rows.length === 0) {
          process.stdout.write('no channels: run `metronome plan sync` to import the config\n');
          return;
        }
        process.stdout.write(
          table(
            ['CHANNEL', 'CONNECTOR', 'STATUS'],
            rows.map((row) => ({ cells: [`${row.brandId}/${row.key}`, row.connector, row.status] })),
          ),
        );
      });
    });
  channels
    .command('reconnect')
    .description(
      "after renewing a channel's credentials: it publishes again (its waiting posts go out) and its incident is resolved",
    )
    .argument('<brand/channel>')
    .requiredOption('--as <person>', 'who is acting (a person id from the config)')
    .addOption(configOption())
    .action(async (target: string, options: { as: string; config?: string }) => {
      const configPath = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(configPath);
      requirePerson(loaded, options.as);
      const [brandId, key] = target.split('/');
      if (!brandId || !key) {
        throw new CliError(
          `"${target}": name the channel as <brand>/<channel>, e.g. acme/bluesky`,
          EXIT_INVALID_INPUT,
        );
      }
      await inCliContext(RecordsCliModule.forRoot({ loaded, path: configPath }), async (app) => {
        // An unknown channel, or one that needs no reconnect, is a DomainError: main.ts prints it, exit code 2.
        const { waiting } = await app
          .get(ChannelCredentials)
          .reconnect(brandId, key, options.as, app.get(Clock).now());
        process.stdout.write(
          `${target} is active again; ${count(waiting, 'post')} waiting on it ${waiting === 1 ? 'goes' : 'go'} out now (those overdue beyond publishing.missedGrace are marked missed)\n`,
        );
      });
    });
  return channels;
}
