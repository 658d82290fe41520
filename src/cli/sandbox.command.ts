import { Command } from 'commander';
import { SandboxNetwork } from '../../plugins/sandbox/sandbox-network';
import type { LoadedConfig } from '../config/config.loader';
import { PluginContextFactory } from '../plugin-host/plugin-context.factory';
import { channelOptionsPlace } from '../plugin-host/configured-plugin-options';
import type { ProfileSnapshot } from '../plugin-sdk';
import { configOption, resolveConfigPath } from './config-path.option';
import { CliError, EXIT_INVALID_INPUT } from './exit-codes';
import { loadConfigOrExit } from './load-config-or-exit';
import { inCliContext } from './cli-context';
import { SandboxCliModule } from './modules/sandbox-cli.module';

interface SandboxOptions {
  handle: string;
  idempotency: 'honour' | 'ignore';
  profile?: ProfileSnapshot;
}

/**
 * The simulated network of a sandbox channel, as the channel's connector sees it: the same plugin state,
 * so what is written here is what the next inbox poll or profile check reads.
 */
async function sandboxOf(
  loaded: LoadedConfig,
  contexts: PluginContextFactory,
  target: string,
): Promise<SandboxNetwork> {
  const [brandId, key] = target.split('/');
  const channel = brandId && key ? loaded.config.brands[brandId]?.channels[key] : undefined;
  if (!channel) {
    const sandboxes = Object.entries(loaded.config.brands).flatMap(([b, brand]) =>
      Object.entries(brand.channels)
        .filter(([, c]) => c.connector === 'sandbox')
        .map(([c]) => `${b}/${c}`),
    );
    throw new CliError(
      `"${target}": name a sandbox channel as <brand>/<channel> (sandbox channels: ${sandboxes.join(', ') || 'none'})`,
      EXIT_INVALID_INPUT,
    );
  }
  if (channel.connector !== 'sandbox') {
    throw new CliError(
      `${target} uses the "${channel.connector}" connector: only sandbox channels can be written to from here`,
      EXIT_INVALID_INPUT,
    );
  }
  const plugin = loaded.plugins.find('connector', 'sandbox');
  const options = plugin
    ? await loaded.pluginOptions.of(channelOptionsPlace(brandId, key), plugin, channel.options)
    : undefined;
  if (!options?.ok) {
    throw new CliError(
      `${target}: its sandbox options are invalid (run \`metronome validate\`)`,
      EXIT_INVALID_INPUT,
    );
  }
  const { handle, idempotency, profile } = options.value as SandboxOptions;
  const context = contexts.create('sandbox', target);
  return new SandboxNetwork(context, handle, idempotency, profile);
}

function commentCommand(): Command {
  return new Command('comment')
    .description(
      'someone comments on the channel’s newest post (or mentions it): the next inbox poll reads it and runs the inbox rules',
    )
    .argument('<brand/channel>', 'a channel on the sandbox connector, e.g. demo/sandbox')
    .argument('<text>', 'what they write')
    .option('-a, --author <handle>', 'who writes it', 'a.customer')
    .addOption(configOption())
    .action(async (target: string, text: string, options: { author: string; config?: string }) => {
      const configPath = resolveConfigPath(options.config);
      const loaded = await loadConfigOrExit(configPath);
      if (!text.trim()) {
        throw new CliError('the comment is empty: give its text in quotes', EXIT_INVALID_INPUT);
      }
      await inCliContext(SandboxCliModule.forConfig(loaded, configPath), async (app) => {
        const network = await sandboxOf(loaded, app.get(PluginContextFactory), target);
        const item = await network.writeComment(options.author, text);
        process.stdout.write(
          `${item.kind} from ${item.author} on ${target}: the next inbox poll reads it (\`metronome inbox poll\`, or the scheduler within 2 minutes)\n`,
        );
      });
    });
}

function profileCommand(): Command {
  return new Command('profile')
    .description(
      'edit the channel’s live profile on the simulated network, as someone on the platform would (profile checks compare it with the config)',
    )
    .argument('<brand/channel>', 'a channel on the sandbox connector, e.g. demo/sandbox')
    .option('--display-name <text>', 'the display name')
    .option('--bio <text>', 'the bio')
    .option('--links <urls...>', 'the profile links')
    .option('--pinned <text>', 'the pinned post')
    .addOption(configOption())
    .action(
      async (
        target: string,
        options: { displayName?: string; bio?: string; links?: string[]; pinned?: string; config?: string },
      ) => {
        const configPath = resolveConfigPath(options.config);
        const loaded = await loadConfigOrExit(configPath);
        const { displayName, bio, links, pinned } = options;
        const changes = Object.fromEntries(
          Object.entries({ displayName, bio, links, pinned }).filter(([, value]) => value !== undefined),
        );
        await inCliContext(SandboxCliModule.forConfig(loaded, configPath), async (app) => {
          const network = await sandboxOf(loaded, app.get(PluginContextFactory), target);
          const profile =
            Object.keys(changes).length > 0 ? await network.editProfile(changes) : await network.profile();
          process.stdout.write(
            `${target} live profile: display name "${profile.displayName ?? ''}", bio "${profile.bio ?? ''}", ` +
              `links [${profile.links.join(', ')}]${profile.pinned ? `, pinned "${profile.pinned}"` : ''}\n`,
          );
        });
      },
    );
}

export function sandboxCommand(): Command {
  return new Command('sandbox')
    .description('act on the simulated network of sandbox channels: write a comment, edit the live profile')
    .addCommand(commentCommand())
    .addCommand(profileCommand());
}
