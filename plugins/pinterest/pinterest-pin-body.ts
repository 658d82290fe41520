import type { MediaAttachment, PublishRequest } from '../../src/plugin-sdk';
import { PINTEREST_ID, type PinterestOptions } from './pinterest-options.schema';

/** Create Pin limits (v5 OpenAPI `PinCreate`): title ≤ 100, description ≤ 800, alt_text ≤ 500, link ≤ 2048. */
export const TITLE_LIMIT = 100;
export const DESCRIPTION_LIMIT = 800;
export const ALT_TEXT_LIMIT = 500;
export const LINK_LIMIT = 2048;
/** `multiple_image_base64` / `multiple_image_urls`: 2 to 5 items. */
export const MAX_IMAGES = 5;
/** Image Pins: files up to 20 MB (https://help.pinterest.com/en/business/article/pinterest-product-specs). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The base64 sources take these content types only (`ContentType` enum). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png'] as const;

/** One image as Pinterest will receive it: its bytes in base64, or a URL it fetches. */
export type PinImage = { contentType: string; base64: string } | { url: string };

/** Where a post's pin goes, from the options and the post's `extra.board` / `extra.boardSection`. */
export interface PinTarget {
  boardId: string;
  boardSectionId?: string;
}

export class PinBodyProblem extends Error {
  override name = 'PinBodyProblem';
}

/** The board (and section) for a post: `extra.board` / `extra.boardSection` override the options. */
export function targetOf(request: Pick<PublishRequest, 'extra'>, options: PinterestOptions): PinTarget {
  const extra = request.extra ?? {};
  const board = extra.board ?? options.board;
  const section = extra.boardSection ?? (extra.board === undefined ? options.boardSection : undefined);
  if (typeof board !== 'string' || !PINTEREST_ID.test(board)) {
    throw new PinBodyProblem(
      `extra.board must be a board id (digits only), not ${JSON.stringify(board)}: see plugins/pinterest/README.md to find it`,
    );
  }
  if (section !== undefined && (typeof section !== 'string' || !PINTEREST_ID.test(section))) {
    throw new PinBodyProblem(
      `extra.boardSection must be a board section id (digits only), not ${JSON.stringify(section)}`,
    );
  }
  return { boardId: board, ...(section === undefined ? {} : { boardSectionId: section }) };
}

/** The first http(s) URL in the text, without the sentence's trailing punctuation or an unbalanced parenthesis. */
export function firstUrlOf(text: string): string | undefined {
  const match = /https?:\/\/[^\s<>"]+/i.exec(text);
  if (!match) {
    return undefined;
  }
  let link = match[0].replace(/[.,!?;:'"]+$/, '');
  while (link.endsWith(')') && link.split('(').length < link.split(')').length) {
    link = link.slice(0, -1).replace(/[.,!?;:'"]+$/, '');
  }
  return link;
}

/**
 * The pin's destination link: `extra.link` when the post sets it (`extra.link: false` for none), else the first URL
 * in the text. It must be http(s) and at most 2,048 characters.
 */
export function linkOf(request: Pick<PublishRequest, 'text' | 'extra'>): string | undefined {
  const given = request.extra?.link;
  if (given === false || given === null) {
    return undefined;
  }
  const link = given === undefined ? firstUrlOf(request.text) : given;
  if (link === undefined) {
    return undefined;
  }
  if (typeof link !== 'string' || !/^https?:\/\/\S+$/i.test(link)) {
    throw new PinBodyProblem(`extra.link must be an http(s) address, not ${JSON.stringify(link)}`);
  }
  if (link.length > LINK_LIMIT) {
    throw new PinBodyProblem(
      `the pin's link is ${link.length} characters; Pinterest takes at most ${LINK_LIMIT}`,
    );
  }
  return link;
}

/** The text fields of a pin, as sent (and as the exactly-once marker remembers them). */
export interface PinText {
  title?: string;
  description?: string;
  link?: string;
  altText?: string;
}

/**
 * Pinterest's limits count code points (JSON Schema `maxLength`), the core counts graphemes: a text of emoji
 * sequences can fit the declared grapheme limit and still be too long for Pinterest. Refused here, with the measure,
 * before anything is sent.
 */
function checkLength(field: string, value: string | undefined, limit: number): void {
  const length = value === undefined ? 0 : [...value].length;
  if (length > limit) {
    throw new PinBodyProblem(
      `the pin's ${field} is ${length} Unicode code points (emoji sequences count each of their parts); Pinterest takes at most ${limit}: shorten it`,
    );
  }
}

export function pinTextOf(request: Pick<PublishRequest, 'text' | 'title' | 'extra' | 'media'>): PinText {
  const title = request.title?.trim();
  const description = request.text.trim();
  const link = linkOf(request);
  const altText = request.media.length === 1 ? request.media[0].altText?.trim() : undefined;
  checkLength('title', title, TITLE_LIMIT);
  checkLength('description (the text)', description, DESCRIPTION_LIMIT);
  checkLength('alt text', altText, ALT_TEXT_LIMIT);
  return {
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    ...(link ? { link } : {}),
    ...(altText ? { altText } : {}),
  };
}

/** The `media_source` of Create Pin: one image, or a carousel of 2 to 5 (base64 or URLs, never mixed). */
export function mediaSourceOf(images: PinImage[]): Record<string, unknown> {
  if (images.length === 0) {
    throw new PinBodyProblem('a pin needs an image: add one to the post (media:)');
  }
  if (images.length > MAX_IMAGES) {
    throw new PinBodyProblem(
      `a pin takes at most ${MAX_IMAGES} images (a carousel); this post has ${images.length}`,
    );
  }
  const [first] = images;
  if (images.length === 1) {
    return 'url' in first
      ? { source_type: 'image_url', url: first.url }
      : { source_type: 'image_base64', content_type: first.contentType, data: first.base64 };
  }
  if (images.every((image) => 'url' in image)) {
    return { source_type: 'multiple_image_urls', items: images.map((image) => ({ url: image.url })) };
  }
  if (images.every((image) => 'base64' in image)) {
    return {
      source_type: 'multiple_image_base64',
      items: images.map((image) => ({ content_type: image.contentType, data: image.base64 })),
    };
  }
  throw new PinBodyProblem('a carousel takes images all uploaded or all by URL');
}

/** The Create Pin body (`POST /v5/pins`). */
export function pinBodyOf(target: PinTarget, text: PinText, images: PinImage[]): Record<string, unknown> {
  return {
    board_id: target.boardId,
    ...(target.boardSectionId ? { board_section_id: target.boardSectionId } : {}),
    ...(text.title ? { title: text.title } : {}),
    ...(text.description ? { description: text.description } : {}),
    ...(text.link ? { link: text.link } : {}),
    ...(text.altText ? { alt_text: text.altText } : {}),
    media_source: mediaSourceOf(images),
  };
}

/** Whether an attachment's type is one a pin takes. */
export function isPinImage(item: MediaAttachment): boolean {
  return (IMAGE_TYPES as readonly string[]).includes(item.mimeType);
}

export const pinUrlOf = (id: string): string => `https://www.pinterest.com/pin/${id}/`;
