import {
  mediaLinksOf,
  outcomeUnknown,
  PermanentError,
  type PluginContext,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import type { GraphApi } from './facebook-api';
import { PHOTO_TIMEOUT_MS } from './facebook-api';
import { DUPLICATE_POST } from './facebook-errors';
import { FacebookLedger, type Attempt } from './facebook-ledger';
import { parseGraphTime, unixSeconds } from './facebook-time';

/** Facebook fetches a photo by URL while it answers the request: an hour covers slow fetches and a retry. */
const MEDIA_URL_LIFETIME_MS = 3_600_000;
/** Graph's clock and ours may differ: posts are looked for from this long before the attempt started. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Pages of 100 recent posts (or comments) lookup reads at most. */
const LOOKUP_PAGES = 3;

interface GraphPost {
  id?: unknown;
  message?: unknown;
  created_time?: unknown;
  from?: { id?: unknown };
  permalink_url?: unknown;
}

interface GraphList {
  data?: GraphPost[];
  paging?: { cursors?: { after?: string }; next?: string };
}

/** A post's (or comment's) address on Facebook: Graph's ids open at facebook.com/<id>. */
export function postUrl(remoteId: string): string {
  return `https://www.facebook.com/${remoteId}`;
}

/** The link to attach (`extra.link`): an http(s) URL, or nothing. */
export function linkOf(extra: Record<string, unknown>): string | undefined {
  const link = extra.link;
  if (link === undefined) {
    return undefined;
  }
  if (typeof link !== 'string' || !/^https?:\/\/\S+$/.test(link)) {
    throw new PermanentError(
      `plugin facebook: extra.link must be an http(s) address, e.g. "https://acme.example/blog/winter" (got ${JSON.stringify(link)})`,
    );
  }
  return link;
}

/**
 * Publishing to a Page with Graph's documented calls (https://developers.facebook.com/docs/pages-api/posts):
 * text and links through `POST /{page-id}/feed` (`message`, `link`); one photo through `POST /{page-id}/photos`
 * (`url`, `caption`); several photos uploaded unpublished (`published=false`), then one feed post with
 * `attached_media[i]={"media_fbid":…}`. Photos go by URL: Facebook fetches them from Metronome's signed media links
 * (mediaLinksOf), so no upload passes through the connector.
 */
export class FacebookPublisher {
  readonly ledger: FacebookLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly graph: () => Promise<{ api: GraphApi; pageId: string }>,
  ) {
    this.ledger = new FacebookLedger(context.state);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const recorded = await this.ledger.sent(key);
    if (recorded) {
      return recorded;
    }
    const link = linkOf(request.extra);
    if (link && request.media.length > 0) {
      throw new PermanentError(
        'plugin facebook: a Facebook post carries either a link preview or photos, not both: drop extra.link (put the address in the text) or the photos',
      );
    }
    const { api, pageId } = await this.graph();
    const { attempt, found } = await this.beginAttempt(key, 'post', pageId, pageId, request.text, api);
    if (found) {
      return found;
    }
    let answer: { id?: unknown; post_id?: unknown };
    try {
      answer = await this.send(request, link, api, pageId);
    } catch (error) {
      if ((error as PermanentError).platformCode === String(DUPLICATE_POST)) {
        // "Duplicate status message": the Page's latest post has this text. Ours, when an earlier answer was lost.
        const found = await this.find(key, attempt, api);
        if (found) {
          return found;
        }
      }
      throw error;
    }
    const remoteId = [answer.post_id, answer.id].find((id) => typeof id === 'string' && id !== '') as
      string | undefined;
    if (!remoteId) {
      throw outcomeUnknown(
        `plugin facebook: Graph accepted the post but answered no id (${JSON.stringify(answer).slice(0, 200)}): it is looked up by its text before any resend`,
      );
    }
    return this.ledger.record(key, { remoteId, url: postUrl(remoteId) });
  }

  /**
   * Answers a comment as the Page (`POST /{comment-id}/comments`,
   * https://developers.facebook.com/docs/graph-api/reference/object/comments/), once per key like a post.
   */
  async reply(commentId: string, request: { idempotencyKey: string; text: string }): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const recorded = await this.ledger.sent(key);
    if (recorded) {
      return recorded;
    }
    const { api, pageId } = await this.graph();
    const { found } = await this.beginAttempt(key, 'reply', commentId, pageId, request.text, api);
    if (found) {
      return found;
    }
    const answer = await api.call<{ id?: unknown }>({
      method: 'POST',
      path: `${commentId}/comments`,
      params: { message: request.text },
      what: `replying to comment ${commentId}`,
      creates: true,
    });
    if (typeof answer.body.id !== 'string' || answer.body.id === '') {
      throw outcomeUnknown(
        'plugin facebook: Graph accepted the reply but answered no id: it is looked up by its text before any resend',
      );
    }
    return this.ledger.record(key, { remoteId: answer.body.id, url: postUrl(answer.body.id) });
  }

  /** What lookup answers: the recorded post, else the post the attempt made, found on the Page. */
  async lookup(key: string): Promise<PublishResult | undefined> {
    const recorded = await this.ledger.sent(key);
    if (recorded) {
      return recorded;
    }
    const attempt = await this.ledger.attempt(key);
    if (!attempt) {
      return undefined;
    }
    const { api } = await this.graph();
    return this.find(key, attempt, api);
  }

  /**
   * The post (or reply) the attempt created, if Graph has it: by this Page, with exactly the attempt's message,
   * created since the attempt started (less clock skew), not claimed by another key; the oldest such one.
   */
  /**
   * Records the attempt before anything is sent (its marker: what, where, when). A repeated key means an earlier
   * attempt may have created the post or reply without the answer reaching us: it is looked for, never sent twice.
   */
  private async beginAttempt(
    key: string,
    kind: Attempt['kind'],
    target: string,
    pageId: string,
    message: string,
    api: GraphApi,
  ): Promise<{ attempt: Attempt; found?: PublishResult }> {
    const { attempt, repeated } = await this.ledger.begin(key, {
      kind,
      target,
      pageId,
      message,
      startedAt: this.context.clock.now().toISOString(),
    });
    return { attempt, found: repeated ? await this.find(key, attempt, api) : undefined };
  }

  async find(key: string, attempt: Attempt, api: GraphApi): Promise<PublishResult | undefined> {
    const startedAt = new Date(attempt.startedAt).getTime() - CLOCK_SKEW_MS;
    const candidates = await this.candidates(attempt, api, startedAt);
    const matching = candidates
      .filter((post) => typeof post.id === 'string' && (post.message ?? '') === attempt.message)
      .filter((post) => (attempt.kind === 'reply' ? post.from?.id === attempt.pageId : true))
      .map((post) => ({ id: post.id as string, at: parseGraphTime(post.created_time)?.getTime() ?? 0 }))
      .filter((post) => post.at >= startedAt)
      .sort((a, b) => a.at - b.at);
    for (const post of matching) {
      if (!(await this.ledger.claimedByOther(post.id, key))) {
        return this.ledger.record(key, { remoteId: post.id, url: postUrl(post.id) });
      }
    }
    return undefined;
  }

  private async candidates(attempt: Attempt, api: GraphApi, since: number): Promise<GraphPost[]> {
    const found: GraphPost[] = [];
    let after: string | undefined;
    for (let round = 0; round < LOOKUP_PAGES; round++) {
      const answer =
        attempt.kind === 'post'
          ? await api.call<GraphList>({
              path: `${attempt.target}/posts`,
              params: {
                fields: 'id,message,created_time',
                since: unixSeconds(new Date(since)),
                limit: 100,
                after,
              },
              what: `looking for an earlier post on Page ${attempt.target}`,
            })
          : await api.call<GraphList>({
              path: `${attempt.target}/comments`,
              params: {
                fields: 'id,message,created_time,from',
                filter: 'stream',
                order: 'reverse_chronological',
                limit: 100,
                after,
              },
              what: `looking for an earlier reply to comment ${attempt.target}`,
            });
      found.push(...(answer.body.data ?? []));
      after = answer.body.paging?.cursors?.after;
      if (!answer.body.paging?.next || !after) {
        break;
      }
    }
    return found;
  }

  private async send(
    request: PublishRequest,
    link: string | undefined,
    api: GraphApi,
    pageId: string,
  ): Promise<{ id?: unknown; post_id?: unknown }> {
    const message = request.text === '' ? undefined : request.text;
    if (request.media.length === 0) {
      return (
        await api.call<{ id?: unknown }>({
          method: 'POST',
          path: `${pageId}/feed`,
          params: { message, link },
          what: `publishing a post to Page ${pageId}`,
          creates: true,
        })
      ).body;
    }
    const links = mediaLinksOf(this.context);
    if (request.media.length === 1) {
      const [photo] = request.media;
      return (
        await api.call<{ id?: unknown; post_id?: unknown }>({
          method: 'POST',
          path: `${pageId}/photos`,
          params: {
            url: links.publicUrl(photo, { expiresInMs: MEDIA_URL_LIFETIME_MS }),
            caption: message,
            alt_text_custom: photo.altText,
            published: true,
          },
          what: `publishing a photo post to Page ${pageId}`,
          creates: true,
          timeoutMs: PHOTO_TIMEOUT_MS,
        })
      ).body;
    }
    // Unpublished photos are invisible until attached; one that is uploaded twice after a lost answer is never shown.
    const key = request.idempotencyKey;
    const uploaded = await this.ledger.uploadedPhotos(key);
    for (let index = uploaded.length; index < request.media.length; index++) {
      const photo = request.media[index];
      const answer = await api.call<{ id?: unknown }>({
        method: 'POST',
        path: `${pageId}/photos`,
        params: {
          url: links.publicUrl(photo, { expiresInMs: MEDIA_URL_LIFETIME_MS }),
          alt_text_custom: photo.altText,
          published: false,
        },
        what: `uploading photo ${index + 1} of ${request.media.length} to Page ${pageId}`,
        timeoutMs: PHOTO_TIMEOUT_MS,
      });
      if (typeof answer.body.id !== 'string' || answer.body.id === '') {
        throw new Error(
          `plugin facebook: Graph answered no id for photo ${index + 1}: it is uploaded again on retry`,
        );
      }
      uploaded.push(answer.body.id);
      await this.ledger.rememberPhotos(key, uploaded);
    }
    const attached: Record<string, string> = {};
    uploaded.forEach((id, index) => {
      attached[`attached_media[${index}]`] = JSON.stringify({ media_fbid: id });
    });
    return (
      await api.call<{ id?: unknown }>({
        method: 'POST',
        path: `${pageId}/feed`,
        params: { message, ...attached },
        what: `publishing a ${uploaded.length}-photo post to Page ${pageId}`,
        creates: true,
      })
    ).body;
  }
}
