import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { PermanentError, z, type PublishRequest } from '../../src/plugin-sdk';
import type { MENTION_KINDS } from './discord-options.schema';

/**
 * Discord's message limits (https://discord.com/developers/docs/resources/message#create-message and
 * https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
 */
export const LIMITS = {
  content: 2_000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4_096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footerText: 2_048,
  authorName: 256,
  /** title + description + field names and values + footer text + author name, across every embed of a message. */
  embedTotal: 6_000,
  files: 10,
  altText: 1_024,
  nonce: 25,
} as const;

/** MESSAGE_FLAGS.SUPPRESS_EMBEDS (https://discord.com/developers/docs/resources/message#message-object-message-flags). */
export const SUPPRESS_EMBEDS = 1 << 2;

/** Characters as Discord counts them: Unicode code points. */
export const codePoints = (text: string): number => [...text].length;

const counted = (max: number, what: string) =>
  z
    .string()
    .refine((value) => codePoints(value) <= max, { error: `${what} must be at most ${max} characters` });

const color = z.union([
  z.number().int().min(0).max(0xffffff),
  z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { error: 'color must be "#rrggbb" or a number' })
    .transform((hex) => parseInt(hex.slice(1), 16)),
]);

/** One embed as a post writes it in `extra.embed` (a subset of Discord's embed object, in friendlier shapes). */
export const embedInputSchema = z.strictObject({
  title: counted(LIMITS.embedTitle, 'title').optional(),
  description: counted(LIMITS.embedDescription, 'description').optional(),
  url: z.url({ error: 'url must be an http(s) address' }).optional(),
  color: color.optional(),
  image: z.url({ error: 'image must be an http(s) address of an image' }).optional(),
  thumbnail: z.url({ error: 'thumbnail must be an http(s) address of an image' }).optional(),
  footer: counted(LIMITS.footerText, 'footer').optional(),
  author: counted(LIMITS.authorName, 'author').optional(),
  fields: z
    .array(
      z.strictObject({
        name: counted(LIMITS.fieldName, 'a field name').refine(
          (v) => v.trim() !== '',
          'a field name must not be empty',
        ),
        value: counted(LIMITS.fieldValue, 'a field value').refine(
          (v) => v.trim() !== '',
          'a field value must not be empty',
        ),
        inline: z.boolean().optional(),
      }),
    )
    .max(LIMITS.embedFields, { error: `at most ${LIMITS.embedFields} fields per embed` })
    .optional(),
});

export type EmbedInput = z.output<typeof embedInputSchema>;

/** `extra` settings this connector reads. */
export const extraSchema = z.object({
  embed: z
    .union([
      embedInputSchema,
      z.array(embedInputSchema).max(LIMITS.embeds, { error: `at most ${LIMITS.embeds} embeds` }),
    ])
    .optional(),
  /** false: no link preview under the message (SUPPRESS_EMBEDS). */
  linkPreview: z.boolean().optional(),
  /** Files shown blurred until clicked. */
  spoiler: z.boolean().optional(),
});

/** Discord's embed object as sent. */
export interface DiscordEmbed {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  image?: { url: string };
  thumbnail?: { url: string };
  footer?: { text: string };
  author?: { name: string };
  fields?: Array<{ name: string; value: string; inline?: boolean }>;
}

/** The JSON of a Create Message / Execute Webhook request (or `payload_json` with files). */
export interface MessagePayload {
  content?: string;
  embeds?: DiscordEmbed[];
  attachments?: Array<{ id: number; filename: string; description?: string }>;
  allowed_mentions: { parse: Array<(typeof MENTION_KINDS)[number]>; replied_user?: boolean };
  flags?: number;
  nonce?: string;
  enforce_nonce?: boolean;
  message_reference?: { message_id: string; fail_if_not_exists: boolean };
  username?: string;
  avatar_url?: string;
}

/** A nonce of at most 25 characters derived from the idempotency key: the same key always gives the same nonce. */
export function nonceOf(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, LIMITS.nonce);
}

/** The name a file is uploaded under: its own name, in the characters Discord keeps, with its extension. */
export function uploadNameOf(path: string, index: number, spoiler = false): string {
  const extension = extname(path)
    .replace(/[^A-Za-z0-9.]/g, '')
    .slice(0, 10);
  const stem = basename(path, extname(path))
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return `${spoiler ? 'SPOILER_' : ''}${stem || `file${index + 1}`}${extension}`;
}

/** The post's `extra` as this connector reads it; a wrong setting is refused in words (it cannot be checked at import). */
export function extraOf(extra: Record<string, unknown>): z.output<typeof extraSchema> {
  const parsed = extraSchema.safeParse(extra);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['extra', ...issue.path.map(String)].join('.');
    throw new PermanentError(`plugin discord: ${where}: ${issue.message}`);
  }
  return parsed.data;
}

function embedOf(input: EmbedInput): DiscordEmbed {
  const embed: DiscordEmbed = {};
  if (input.title !== undefined) {
    embed.title = input.title;
  }
  if (input.description !== undefined) {
    embed.description = input.description;
  }
  if (input.url !== undefined) {
    embed.url = input.url;
  }
  if (input.color !== undefined) {
    embed.color = input.color;
  }
  if (input.image !== undefined) {
    embed.image = { url: input.image };
  }
  if (input.thumbnail !== undefined) {
    embed.thumbnail = { url: input.thumbnail };
  }
  if (input.footer !== undefined) {
    embed.footer = { text: input.footer };
  }
  if (input.author !== undefined) {
    embed.author = { name: input.author };
  }
  if (input.fields !== undefined) {
    embed.fields = input.fields.map((field) => ({ ...field }));
  }
  return embed;
}

/** The characters Discord counts towards the 6,000 of a message's embeds. */
export function embedCharacters(embeds: DiscordEmbed[]): number {
  let total = 0;
  for (const embed of embeds) {
    for (const text of [embed.title, embed.description, embed.footer?.text, embed.author?.name]) {
      total += text ? codePoints(text) : 0;
    }
    for (const field of embed.fields ?? []) {
      total += codePoints(field.name) + codePoints(field.value);
    }
  }
  return total;
}

export interface MessageInput {
  text: string;
  title?: string;
  extra: Record<string, unknown>;
  /** File names and alt texts, in order (files[n] ↔ attachments[n]). */
  files: Array<{ filename: string; altText?: string }>;
  allowMentions: Array<(typeof MENTION_KINDS)[number]>;
  nonce?: string;
  replyTo?: string;
  webhook?: { username?: string; avatarUrl?: string };
}

/**
 * The message for a post: the text as `content`, the title as the first embed's title, `extra.embed` as embeds,
 * files as `attachments` with their alt text as `description`, mentions off unless allowed. Whatever Discord would
 * refuse and the core cannot check at import (embed sizes, characters counted as Discord counts them) is refused
 * here as a PermanentError in words.
 */
export function messageOf(input: MessageInput): MessagePayload {
  const extra = extraOf(input.extra);
  const text = input.text.trim();
  if (codePoints(text) > LIMITS.content) {
    throw new PermanentError(
      `plugin discord: the text is ${codePoints(text)} characters as Discord counts them (Unicode code points); the limit is ${LIMITS.content}: shorten it`,
    );
  }
  const embeds = (
    extra.embed === undefined ? [] : Array.isArray(extra.embed) ? extra.embed : [extra.embed]
  ).map(embedOf);
  if (input.title && input.title.trim() !== '') {
    const title = input.title.trim();
    if (codePoints(title) > LIMITS.embedTitle) {
      throw new PermanentError(
        `plugin discord: the title is ${codePoints(title)} characters; an embed title takes at most ${LIMITS.embedTitle}`,
      );
    }
    if (embeds.length === 0) {
      embeds.push({ title });
    } else if (embeds[0].title === undefined) {
      embeds[0].title = title;
    }
  }
  const total = embedCharacters(embeds);
  if (total > LIMITS.embedTotal) {
    throw new PermanentError(
      `plugin discord: the embeds hold ${total} characters (titles, descriptions, fields, footers, authors); Discord takes at most ${LIMITS.embedTotal} per message`,
    );
  }
  if (input.files.length > LIMITS.files) {
    throw new PermanentError(
      `plugin discord: ${input.files.length} files; a message takes at most ${LIMITS.files}`,
    );
  }
  if (text === '' && embeds.length === 0 && input.files.length === 0) {
    throw new PermanentError(
      'plugin discord: the post has no text, embed or file: Discord refuses an empty message',
    );
  }
  const payload: MessagePayload = { allowed_mentions: { parse: [...input.allowMentions] } };
  if (text !== '') {
    payload.content = text;
  }
  if (embeds.length > 0) {
    payload.embeds = embeds;
  }
  if (input.files.length > 0) {
    payload.attachments = input.files.map((file, id) => {
      const alt = file.altText?.trim();
      if (alt && codePoints(alt) > LIMITS.altText) {
        throw new PermanentError(
          `plugin discord: the alt text of ${file.filename} is ${codePoints(alt)} characters; Discord takes at most ${LIMITS.altText}`,
        );
      }
      return { id, filename: file.filename, ...(alt ? { description: alt } : {}) };
    });
  }
  if (extra.linkPreview === false) {
    payload.flags = SUPPRESS_EMBEDS;
  }
  if (input.nonce !== undefined) {
    payload.nonce = input.nonce;
    payload.enforce_nonce = true;
  }
  if (input.replyTo !== undefined) {
    payload.message_reference = { message_id: input.replyTo, fail_if_not_exists: false };
    // The person answered is not pinged unless mentions of users are allowed.
    payload.allowed_mentions.replied_user = input.allowMentions.includes('users');
  }
  if (input.webhook?.username) {
    payload.username = input.webhook.username;
  }
  if (input.webhook?.avatarUrl) {
    payload.avatar_url = input.webhook.avatarUrl;
  }
  return payload;
}

/** The files of a request, named for upload (spoilers when `extra.spoiler`). */
export function filesOf(
  request: Pick<PublishRequest, 'media' | 'extra'>,
): Array<{ filename: string; altText?: string }> {
  const spoiler = request.extra.spoiler === true;
  return request.media.map((item, index) => ({
    filename: uploadNameOf(item.path, index, spoiler),
    altText: item.altText,
  }));
}
