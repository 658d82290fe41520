import { Command } from 'commander';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ChannelRepository } from '../channels/channel.repository';
import { Clock } from '../clock/clock';
import { parseDurationMs } from '../config/schema/primitives.schema';
import { ConfigService } from '../config/config.service';
import { CredentialStore } from '../credentials/credential-store';
import { CredentialsModule } from '../credentials/credentials.module';
import { DatabaseCredentialStore } from '../credentials/database-credential-store';
import { SecretKeySource } from '../credentials/secret-key';
import { TransactionContext } from '../persistence/transaction-context';
import type { ChannelEntity } from '../channels/channel.entity';
import { ConnectFlowError, describeConnection, runConnectFlow } from '../oauth/connect-flow';
import { OAuthAuthorizationRepository } from '../oauth/oauth-authorization.repository';
import { OAuthCliModule } from '../oauth/oauth-cli.module';
import { OAuthConnectService } from '../oauth/oauth-connect.service';
import { OAuthProviders } from '../oauth/oauth-providers';
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
      const loaded = await loadConfigOrExit(resolveConfigPath(options.config));
      await inCliContext(RecordsCliModule.forRoot(), async (app) => {
        const rows = await app.get(ChannelRepository).list({ brand: options.brand });
        if (rows.length === 0) {
          process.stdout.write('no channels: run `metronome plan sync` to import the config\n');
          return;
        }
        // Expiry facts are stored in clear: listing them needs no key, and no token is ever read here.
        const store = new DatabaseCredentialStore(
          app.get(TransactionContext, { strict: false }),
          new SecretKeySource(process.env),
        );
        const expiries = new Map((await store.expiries()).map((expiry) => [expiry.channelId, expiry]));
        const credentials = (row: ChannelEntity): string => {
          const expiry = expiries.get(row.id);
          if (expiry) {
            return expiry.expiresAt
              ? `connected, expires ${expiry.expiresAt.toISOString().slice(0, 10)}`
              : 'connected';
          }
          return loaded.plugins.find('connector', row.connector)?.oauth
            ? `not connected: metronome channels connect ${row.brandId}/${row.key}`
            : 'config';
        };
        process.stdout.write(
          table(
            ['CHANNEL', 'CONNECTOR', 'STATUS', 'CREDENTIALS'],
            rows.map((row) => ({
              cells: [`${row.brandId}/${row.key}`, row.connector, row.status, credentials(row)],
            })),
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
  channels
    .command('connect')
    .description(
      "connects the channel's account with OAuth 2 (PKCE): prints the platform's consent link, waits for the redirect, keeps the tokens encrypted",
    )
    .argument('<brand/channel>')
    .requiredOption('--as <person>', 'who is connecting (a person id from the config)')
    .option(
      '--loopback',
      'receive the redirect on http://127.0.0.1:<free port>/oauth/callback in this process (also when organisation.publicUrl is unset)',
    )
    .option('--no-open', 'only print the link (the link is always printed; no browser is opened)')
    .option('--timeout <duration>', 'how long to wait for the redirect', '10m')
    .addOption(configOption())
    .action(
      async (
        target: string,
        options: { as: string; loopback?: boolean; timeout: string; config?: string },
      ) => {
        const configPath = resolveConfigPath(options.config);
        const loaded = await loadConfigOrExit(configPath);
        requirePerson(loaded, options.as);
        const [brandId, key] = channelTarget(target);
        const timeoutMs = parseDurationMs(options.timeout);
        if (timeoutMs === undefined || timeoutMs <= 0) {
          throw new CliError(`--timeout "${options.timeout}": write e.g. 10m or 90s`, EXIT_INVALID_INPUT);
        }
        await inCliContext(
          OAuthCliModule.forRoot({ loaded, path: configPath }, [CredentialsModule]),
          async (app) => {
            const result = await runConnectFlow(
              {
                connect: app.get(OAuthConnectService),
                providers: app.get(OAuthProviders),
                authorizations: app.get(OAuthAuthorizationRepository),
                store: app.get(CredentialStore),
                config: app.get(ConfigService),
              },
              {
                brandId,
                key,
                as: options.as,
                loopback: options.loopback === true,
                timeoutMs,
                print: (line) => process.stdout.write(`${line}\n`),
              },
            ).catch((error: unknown) => {
              if (error instanceof ConnectFlowError) {
                throw new CliError(error.message);
              }
              throw error;
            });
            process.stdout.write(`${describeConnection(result)}\n`);
          },
        );
      },
    );
  channels
    .command('disconnect')
    .description(
      "forgets the channel's OAuth tokens (the account stays authorized at the platform until revoked there)",
    )
    .argument('<brand/channel>')
    .requiredOption('--as <person>', 'who is acting (a person id from the config)')
    .option('--yes', 'confirm: the channel cannot publish until connected again')
    .addOption(configOption())
    .action(async (target: string, options: { as: string; yes?: boolean; config?: string }) => {
      const configPath = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(configPath);
      requirePerson(loaded, options.as);
      const [brandId, key] = channelTarget(target);
      if (!options.yes) {
        throw new CliError(
          `disconnecting ${target} stops its publishing until \`metronome channels connect ${target}\`: add --yes to confirm`,
          EXIT_INVALID_INPUT,
        );
      }
      await inCliContext(
        OAuthCliModule.forRoot({ loaded, path: configPath }, [CredentialsModule]),
        async (app) => {
          const { channel } = await app.get(OAuthProviders).byKey(brandId, key);
          await app.get(CredentialStore).remove(channel.id);
          await app.get(ChannelRepository).bumpCredentialsVersion(channel.id, app.get(Clock).now());
          process.stdout.write(
            `${target}: tokens removed; connect it again with \`metronome channels connect ${target} --as <person>\`\n`,
          );
        },
      );
    });
  return channels;
}

/** `<brand>/<channel>`, or a usage error naming the form. */
function channelTarget(target: string): [string, string] {
  const [brandId, key, extra] = target.split('/');
  if (!brandId || !key || extra !== undefined) {
    throw new CliError(
      `"${target}": name the channel as <brand>/<channel>, e.g. acme/linkedin`,
      EXIT_INVALID_INPUT,
    );
  }
  return [brandId, key];
}
