import { Command } from 'commander';
import { Clock } from '../clock/clock';
import { InboxItemRepository } from '../inbox/inbox-item.repository';
import { ChannelCredentials, ChannelCredentialsError } from '../publishing/channel-credentials';
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
        const rows = (await app.get(InboxItemRepository).channels({ brand: options.brand })).sort(
          (a, b) => compare(a.brandId, b.brandId) || compare(a.key, b.key),
        );
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
        try {
          const { waiting } = await app
            .get(ChannelCredentials)
            .reconnect(brandId, key, options.as, app.get(Clock).now());
          process.stdout.write(
            `${target} is active again; ${count(waiting, 'post')} waiting on it ${waiting === 1 ? 'goes' : 'go'} out now (those overdue beyond publishing.missedGrace are marked missed)\n`,
          );
        } catch (error) {
          if (error instanceof ChannelCredentialsError) {
            throw new CliError(error.message, EXIT_INVALID_INPUT);
          }
          throw error;
        }
      });
    });
  return channels;
}

/** Code-point order (SQLite's, which ordered this list before): by brand, then channel. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
