import { defineNotifier } from '../../src/plugin-sdk';
import { DiscordNotifier } from './discord.notifier';
import { discordOptionsSchema, type DiscordOptions } from './discord-options.schema';

/** Discord through a channel webhook: an embed coloured by severity, links as a field, recipients mentioned. */
export default defineNotifier<DiscordOptions>({
  kind: 'notifier',
  name: 'discord',
  version: '1.0.0',
  sdk: '^2.0.0',
  // People are mentioned by handles.<notifier id> (a Discord user id).
  addressing: 'handle',
  description: 'Discord channel webhook (embed coloured by severity; people mentioned by Discord user id).',
  options: discordOptionsSchema,
  create: (context, options) => new DiscordNotifier(context, options),
});
