import { defineConnector } from '../../src/plugin-sdk';
import {
  MAX_ALBUM,
  MAX_FILE_BYTES,
  MAX_PHOTO_BYTES,
  MAX_PHOTO_RATIO,
  PHOTO_TYPES,
  TEXT_LIMIT,
  VIDEO_TYPES,
} from './telegram-message';
import { telegramOptionsSchema, type TelegramOptions } from './telegram-options.schema';
import { TelegramConnector } from './telegram.connector';

/** A Telegram channel (or group) through the Bot API, posting as a bot that is an administrator of it. */
export default defineConnector<TelegramOptions>({
  kind: 'connector',
  name: 'telegram',
  version: '1.0.0',
  sdk: '^2.2.0',
  description:
    'Telegram channels through the Bot API: messages, photos, videos and albums; discussion-group comments; subscribers.',
  options: telegramOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    reply: true,
    metrics: true,
    // sendMessage: 4,096 characters. A post with media has a caption of 1,024: checked by the connector (the SDK
    // has one text limit per channel), as is Telegram's counting in UTF-16 units.
    text: { graphemes: TEXT_LIMIT },
    media: {
      maxCount: MAX_ALBUM,
      types: [...PHOTO_TYPES, ...VIDEO_TYPES],
      maxImageBytes: MAX_PHOTO_BYTES,
      maxVideoBytes: MAX_FILE_BYTES,
      // Width + height ≤ 10,000 is checked by the connector; the ratio here.
      image: { aspectRatio: { min: `1:${MAX_PHOTO_RATIO}`, max: `${MAX_PHOTO_RATIO}:1` } },
    },
    metricNames: { followers: 'Subscribers' },
  },
  create: (context, options) => new TelegramConnector(context, options),
});
