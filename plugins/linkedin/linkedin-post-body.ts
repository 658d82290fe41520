import { PermanentError, type PublishRequest } from '../../src/plugin-sdk';
import { escapeLittleText } from './linkedin-text';

/** Images per post: one is a single-image post, 2 to 20 a MultiImage post (Posts API, MultiImage content). */
export const MAX_IMAGES = 20;
/** Alt text per image, in characters (Posts API: media.altText and multiImage.images[].altText). */
export const ALT_TEXT_LIMIT = 4_086;
/** The commentary, in characters (Posts API). */
export const COMMENTARY_LIMIT = 3_000;

/** A link shared as an article card: documents are shared this way too (a link to the PDF on your site). */
export interface ArticleExtra {
  url: string;
  title: string;
  description?: string;
}

export type Visibility = 'PUBLIC' | 'CONNECTIONS' | 'LOGGED_IN';

function articleOf(extra: Record<string, unknown>): ArticleExtra | undefined {
  const article = extra.article;
  if (article === undefined) {
    return undefined;
  }
  const { url, title, description } = (article ?? {}) as Record<string, unknown>;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url) || typeof title !== 'string' || title === '') {
    throw new PermanentError(
      'plugin linkedin: extra.article needs url (an https:// address) and title, e.g. { url: "https://acme.example/menu.pdf", title: "Winter menu" }',
    );
  }
  return { url, title, description: typeof description === 'string' ? description : undefined };
}

/**
 * The `POST /rest/posts` body (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api):
 * the commentary in little text format, the feed distribution, and at most one kind of content — an image, 2 to 20
 * images, or an article (a link with its title).
 */
export function postBodyOf(
  request: PublishRequest,
  author: string,
  images: string[],
  defaultVisibility: Visibility,
): Record<string, unknown> {
  const article = articleOf(request.extra);
  if (article && images.length > 0) {
    throw new PermanentError(
      'plugin linkedin: a LinkedIn post carries images or an article link, not both: remove the media or extra.article',
    );
  }
  const visibility = (request.extra.visibility as Visibility | undefined) ?? defaultVisibility;
  const body: Record<string, unknown> = {
    author,
    commentary: escapeLittleText(request.text),
    visibility,
    distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
    lifecycleState: 'PUBLISHED',
    isReshareDisabledByAuthor: false,
  };
  const alt = (index: number) => request.media[index]?.altText;
  if (images.length === 1) {
    body.content = { media: { id: images[0], ...(alt(0) ? { altText: alt(0) } : {}) } };
  } else if (images.length > 1) {
    body.content = {
      multiImage: {
        images: images.map((id, index) => ({ id, ...(alt(index) ? { altText: alt(index) } : {}) })),
      },
    };
  } else if (article) {
    body.content = {
      article: {
        source: article.url,
        title: article.title,
        ...(article.description ? { description: article.description } : {}),
      },
    };
  }
  return body;
}

/** A post's address on LinkedIn. */
export const postUrlOf = (urn: string): string => `https://www.linkedin.com/feed/update/${urn}`;
