import { defineConnector } from '../../src/plugin-sdk';
import { LIMITS } from './discord-message';
import { discordConnectorOptionsSchema, type DiscordConnectorOptions } from './discord-options.schema';
import { DiscordConnector } from './discord.connector';

const MIB = 1024 * 1024;

/**
 * A Discord text channel through a bot (messages with embeds and files, exactly once, mentions and replies as the
 * inbox, the server's member count) or a channel webhook (publish and delete). Shares its name with the discord
 * notifier (SDK 2.2): channels write `connector: discord`.
 */
export default defineConnector<DiscordConnectorOptions>({
  kind: 'connector',
  name: 'discord',
  version: '1.0.0',
  sdk: '^2.2.0',
  description:
    'Discord channels through a bot or a webhook: messages with embeds, files with alt text, mentions off by default; replies and member counts with a bot.',
  options: discordConnectorOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    metrics: true,
    reply: true,
    // Message content: 2,000 characters (Discord counts code points; the connector checks that too before sending).
    text: { graphemes: LIMITS.content },
    // A message has no title: the title becomes the first embed's title (256 characters).
    title: { graphemes: LIMITS.embedTitle },
    media: {
      maxCount: LIMITS.files,
      // Discord takes any file; these are the ones it shows inline (images, video, audio) and common documents.
      types: [
        'image/png',
        'image/jpeg',
        'image/gif',
        'image/webp',
        'video/mp4',
        'video/quicktime',
        'video/webm',
        'audio/mpeg',
        'audio/ogg',
        'audio/wav',
        'application/pdf',
        'text/plain',
      ],
      // The most any server takes (boost level 3); the channel's own limit is options.maxFileMb (default 10 MiB),
      // checked before sending because capabilities cannot depend on options.
      maxBytes: 100 * MIB,
      altTextLimit: LIMITS.altText,
    },
    metricNames: { followers: 'Members', engagements: { reactions: 'Reactions' } },
  },
  create: (context, options) => new DiscordConnector(context, options),
});
