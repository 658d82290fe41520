import { z } from '../../src/plugin-sdk';
import { SNOWFLAKE } from './discord-options.schema';

const snowflake = z.string().regex(SNOWFLAKE);

/**
 * The parts of Discord's message object the connector reads
 * (https://discord.com/developers/docs/resources/message#message-object); everything else passes through unread.
 */
export const messageSchema = z.looseObject({
  id: snowflake,
  channel_id: snowflake.optional(),
  guild_id: snowflake.optional(),
  content: z.string().optional(),
  timestamp: z.string().optional(),
  author: z
    .looseObject({ id: snowflake, username: z.string().optional(), global_name: z.string().nullish() })
    .optional(),
  webhook_id: snowflake.optional(),
  nonce: z.union([z.string(), z.number()]).nullish(),
  attachments: z.array(z.looseObject({ filename: z.string().optional() })).optional(),
  embeds: z.array(z.looseObject({ title: z.string().nullish() })).optional(),
  mentions: z.array(z.looseObject({ id: snowflake })).optional(),
  message_reference: z.looseObject({ message_id: snowflake.optional() }).nullish(),
  referenced_message: z.looseObject({ author: z.looseObject({ id: snowflake }).optional() }).nullish(),
  reactions: z.array(z.looseObject({ count: z.number().int().min(0) })).optional(),
});

export type DiscordMessage = z.output<typeof messageSchema>;

export const messageListSchema = z.array(z.unknown());

export const userSchema = z.looseObject({ id: snowflake, username: z.string().optional() });

export const channelSchema = z.looseObject({ id: snowflake, guild_id: snowflake.nullish() });

export const webhookSchema = z.looseObject({
  id: snowflake,
  channel_id: snowflake.nullish(),
  guild_id: snowflake.nullish(),
});

export const guildSchema = z.looseObject({
  id: snowflake,
  name: z.string().optional(),
  approximate_member_count: z.number().int().min(0).optional(),
});

/** Parses a platform answer; one that does not fit is an error naming what was expected (never trusted). */
export function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `plugin discord: Discord's answer to ${what} is not what its documentation describes (${issue.path.join('.') || 'the body'}: ${issue.message})`,
    );
  }
  return result.data;
}
