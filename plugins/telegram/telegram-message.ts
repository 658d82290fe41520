import {
  bytesSource,
  PermanentError,
  readImageHeader,
  readMediaFile,
  refusedByPlatform,
  z,
  type MediaAttachment,
  type PublishRequest,
} from '../../src/plugin-sdk';
import type { UploadFile } from './telegram-api';

/** sendMessage: "1-4096 characters after entities parsing" (https://core.telegram.org/bots/api#sendmessage). */
export const TEXT_LIMIT = 4096;
/** sendPhoto/sendVideo/sendMediaGroup: "0-1024 characters after entities parsing". */
export const CAPTION_LIMIT = 1024;
/** sendMediaGroup: "an array describing messages to be sent, must include 2-10 items". */
export const MAX_ALBUM = 10;
/** sendPhoto: "The photo must be at most 10 MB in size." */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** "Bots can currently send files of any type of up to 50 MB in size" (public Bot API server). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** sendPhoto: "The photo's width and height must not exceed 10000 in total. Width and height ratio must be at most 20." */
export const MAX_PHOTO_WIDTH_PLUS_HEIGHT = 10_000;
export const MAX_PHOTO_RATIO = 20;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const VIDEO_TYPES = ['video/mp4'];

/**
 * Per-post settings (`overrides.<channel>.extra`): `silent` (disable_notification), `protect` (protect_content:
 * no forwarding or saving), `linkPreview` (false: none; or which link, above the text, small or large).
 */
export const telegramExtraSchema = z.object({
  silent: z.boolean({ error: 'extra.silent must be true or false' }).optional(),
  protect: z.boolean({ error: 'extra.protect must be true or false' }).optional(),
  linkPreview: z
    .union(
      [
        z.boolean(),
        z.strictObject({
          url: z.url().optional(),
          aboveText: z.boolean().optional(),
          size: z.enum(['small', 'large']).optional(),
        }),
      ],
      { error: 'extra.linkPreview must be false, true or { url?, aboveText?, size?: small|large }' },
    )
    .optional(),
});

export type TelegramExtra = z.infer<typeof telegramExtraSchema>;

/**
 * How long Telegram counts a text: in UTF-16 code units (its entity offsets are UTF-16; an emoji counts 2). Not
 * verified against the live server: the conservative count, never less than what Telegram counts in code points.
 */
export function telegramLength(text: string): number {
  return text.length;
}

/** The text as sent: plain text, no parse_mode, so nothing needs escaping; Telegram links URLs, @mentions and #tags itself. */
export function messageTextOf(text: string): string {
  return text.trim();
}

/** The settings every send method shares, from the post's extra. */
export function sendOptionsOf(extra: Record<string, unknown>): Record<string, unknown> {
  const parsed = telegramExtraSchema.safeParse(extra);
  if (!parsed.success) {
    throw refusedByPlatform('EXTRA', parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  const options: Record<string, unknown> = {};
  if (parsed.data.silent) {
    options.disable_notification = true;
  }
  if (parsed.data.protect) {
    options.protect_content = true;
  }
  return options;
}

/** link_preview_options for sendMessage, or undefined for Telegram's default (a preview of the first link). */
export function linkPreviewOf(extra: Record<string, unknown>): Record<string, unknown> | undefined {
  const preview = telegramExtraSchema.safeParse(extra).data?.linkPreview;
  if (preview === undefined || preview === true) {
    return undefined;
  }
  if (preview === false) {
    return { is_disabled: true };
  }
  return {
    ...(preview.url ? { url: preview.url } : {}),
    ...(preview.aboveText ? { show_above_text: true } : {}),
    ...(preview.size === 'small' ? { prefer_small_media: true } : {}),
    ...(preview.size === 'large' ? { prefer_large_media: true } : {}),
  };
}

/** Refuses a text or caption over Telegram's limit (the SDK has one text limit; a caption's is lower). */
export function checkTextLength(text: string, withMedia: boolean): void {
  const limit = withMedia ? CAPTION_LIMIT : TEXT_LIMIT;
  const length = telegramLength(text);
  if (length > limit) {
    throw refusedByPlatform(
      withMedia ? 'CAPTION_TOO_LONG' : 'MESSAGE_TOO_LONG',
      withMedia
        ? `a caption (the text of a post with media) is at most ${CAPTION_LIMIT} characters on Telegram; this one has ${length} (UTF-16 units): shorten it, or post the text without media`
        : `a message is at most ${TEXT_LIMIT} characters on Telegram; this one has ${length} (UTF-16 units): shorten it`,
    );
  }
}

export interface PlannedSend {
  method: 'sendMessage' | 'sendPhoto' | 'sendVideo' | 'sendMediaGroup';
  params: Record<string, unknown>;
  files: UploadFile[];
  /** The text as Telegram will show it (the message's text or the first item's caption). */
  text: string;
  /** Messages the send makes (an album: one per item), for pacing. */
  messages: number;
}

const kindOf = (item: MediaAttachment): 'photo' | 'video' => {
  if (PHOTO_TYPES.includes(item.mimeType)) {
    return 'photo';
  }
  if (VIDEO_TYPES.includes(item.mimeType)) {
    return 'video';
  }
  throw refusedByPlatform(
    'MEDIA_TYPE',
    `Telegram posts take JPEG, PNG or WebP photos and MP4 videos, not ${item.mimeType}`,
  );
};

/** Reads a file within Telegram's size limit and, for a photo, checks its frame (width + height, ratio). */
export async function readUpload(
  item: MediaAttachment,
  index: number,
): Promise<UploadFile & { kind: 'photo' | 'video' }> {
  const kind = kindOf(item);
  const bytes = await readMediaFile(item, kind === 'photo' ? MAX_PHOTO_BYTES : MAX_FILE_BYTES);
  if (kind === 'photo') {
    const header = await readImageHeader(bytesSource(bytes));
    if (header) {
      const { width, height } = header;
      if (width + height > MAX_PHOTO_WIDTH_PLUS_HEIGHT) {
        throw new PermanentError(
          `photo ${index + 1} is ${width}×${height}: Telegram takes photos whose width and height add up to at most ${MAX_PHOTO_WIDTH_PLUS_HEIGHT}; scale it down`,
        );
      }
    }
  }
  const extension = kind === 'video' ? 'mp4' : (item.mimeType.split('/')[1] ?? 'jpg');
  return {
    kind,
    field: `file${index}`,
    filename: `${kind}${index}.${extension}`,
    mimeType: item.mimeType,
    bytes,
  };
}

/** The one request that publishes a post: a message, a photo, a video, or an album (caption on the first item). */
export async function planSend(request: PublishRequest, chatId: string): Promise<PlannedSend> {
  const text = messageTextOf(request.text);
  const common = { chat_id: chatId, ...sendOptionsOf(request.extra) };
  checkTextLength(text, request.media.length > 0);
  if (request.media.length === 0) {
    const preview = linkPreviewOf(request.extra);
    return {
      method: 'sendMessage',
      params: { ...common, text, ...(preview ? { link_preview_options: preview } : {}) },
      files: [],
      text,
      messages: 1,
    };
  }
  if (request.media.length > MAX_ALBUM) {
    throw refusedByPlatform(
      'TOO_MANY_MEDIA',
      `a Telegram album holds at most ${MAX_ALBUM} photos and videos`,
    );
  }
  const uploads = await Promise.all(request.media.map((item, index) => readUpload(item, index)));
  const caption = text ? { caption: text } : {};
  if (uploads.length === 1) {
    const [upload] = uploads;
    return {
      method: upload.kind === 'photo' ? 'sendPhoto' : 'sendVideo',
      params: {
        ...common,
        [upload.kind]: `attach://${upload.field}`,
        ...caption,
        ...(upload.kind === 'video' ? { supports_streaming: true } : {}),
      },
      files: [upload],
      text,
      messages: 1,
    };
  }
  return {
    method: 'sendMediaGroup',
    params: {
      ...common,
      media: uploads.map((upload, index) => ({
        type: upload.kind,
        media: `attach://${upload.field}`,
        ...(index === 0 ? caption : {}),
        ...(upload.kind === 'video' ? { supports_streaming: true } : {}),
      })),
    },
    files: uploads,
    text,
    messages: uploads.length,
  };
}
