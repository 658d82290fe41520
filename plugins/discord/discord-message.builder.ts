import type { NotificationMessage } from '../../src/plugin-sdk';
import { truncate } from '../../src/plugin-sdk';

/** Limits from Discord's "Execute Webhook" and embed documentation; over them Discord answers 400. */
export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  embedTotal: 6000,
  allowedUsers: 100,
} as const;

const SEVERITY_COLOUR = { info: 0x3498db, warning: 0xf1c40f, critical: 0xe74c3c };

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  url?: string;
  fields?: Array<{ name: string; value: string }>;
  timestamp: string;
}

export interface DiscordPayload {
  content: string;
  username?: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: never[]; users: string[] };
}

/**
 * One embed coloured by severity, with the links as a field; recipients are mentioned in `content`.
 * `allowed_mentions` pings only the resolved recipients, so "@everyone" inside a message stays harmless.
 */
export function buildDiscordPayload(
  message: NotificationMessage,
  options: { username?: string; now: Date },
): DiscordPayload {
  const users = message.to.map((r) => r.address).filter((address) => /^\d{15,21}$/.test(address));
  const mentions = message.to
    .map((r) => (users.includes(r.address) ? `<@${r.address}>` : r.address))
    .join(' ');
  const links = message.links ?? [];
  const embed: DiscordEmbed = {
    title: truncate(message.subject || 'Metronome', DISCORD_LIMITS.title),
    // Discord refuses an empty description; a message with no text goes without one.
    ...(message.text.trim() ? { description: truncate(message.text, DISCORD_LIMITS.description) } : {}),
    color: SEVERITY_COLOUR[message.severity ?? 'info'],
    timestamp: options.now.toISOString(),
  };
  if (links.length > 0) {
    embed.url = links[0].url;
    embed.fields = [{ name: 'Links', value: linkList(links) }];
  }
  return {
    content: truncate([mentions, message.subject].filter(Boolean).join(' '), DISCORD_LIMITS.content),
    ...(options.username ? { username: options.username } : {}),
    embeds: [embed],
    allowed_mentions: { parse: [], users: users.slice(0, DISCORD_LIMITS.allowedUsers) },
  };
}

/** As many markdown links as fit in a field value; an ellipsis says some were left out. */
function linkList(links: Array<{ label: string; url: string }>): string {
  const lines: string[] = [];
  let length = 0;
  for (const link of links) {
    const line = `[${link.label.replace(/[[\]]/g, '')}](${link.url})`;
    if (length + line.length + 1 > DISCORD_LIMITS.fieldValue - 2) {
      lines.push('…');
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n') || '…';
}

/** Characters Discord counts towards the 6,000 limit of all embeds in a message. */
export function embedLength(embed: DiscordEmbed): number {
  const fields = (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  return embed.title.length + (embed.description?.length ?? 0) + fields;
}
