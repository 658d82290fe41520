import {
  needsReconnect,
  outcomeUnknown,
  PermanentError,
  readMediaFile,
  refusedByPlatform,
  z,
  type ChannelMetrics,
  type InboxItemInput,
  type InboxItemRef,
  type MediaAttachment,
  type OneStepConnector,
  type PluginContext,
  type ProfileSnapshot,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { WordPressApi } from './wordpress-api';
import { platformErrorOf } from './wordpress-errors';
import { keyDigest, SendLedger, type UploadedMedia } from './wordpress-exactly-once';
import { escapeHtml, htmlToText, imageHtml, slugify, textToHtml } from './wordpress-html';
import { wordpressExtraSchema, type WordPressExtra, type WordPressOptions } from './wordpress-options.schema';

/** A post, comment or file created this long before the send started is not the send's (clocks differ a little). */
const CLOCK_SLACK_MS = 10 * 60_000;
/** A publish time this far ahead makes the post `future` (scheduled by WordPress) instead of `publish`. */
const FUTURE_AFTER_MS = 60_000;
/** How many of the account's newest posts the inbox and metrics read. */
const RECENT_POSTS = 50;
/** Comments per page, and pages per poll (so a busy site cannot make a poll unbounded). */
const COMMENTS_PAGE = 100;
const MAX_COMMENT_PAGES = 5;
/** WordPress's `after`/`before` on comments compare the site's local time: widen by the largest UTC offset. */
const LOCAL_TIME_MARGIN_MS = 14 * 3_600_000;
/** Every status a post of ours may have right after publishing. */
const ANY_STATUS = 'publish,future,draft,pending,private';

const id = z.number().int().positive();
const rendered = z.object({ rendered: z.string().optional(), raw: z.string().optional() }).partial();
const postSchema = z.object({
  id,
  slug: z.string(),
  link: z.string().optional(),
  status: z.string().optional(),
  date_gmt: z.string().nullable().optional(),
  author: z.number().optional(),
  title: rendered.optional(),
});
const mediaSchema = z.object({ id, slug: z.string(), source_url: z.string().min(1) });
const commentSchema = z.object({
  id,
  post: z.number().int(),
  parent: z.number().int().default(0),
  author: z.number().int().default(0),
  author_name: z.string().optional(),
  date_gmt: z.string(),
  link: z.string().optional(),
  status: z.string().optional(),
  content: rendered.default({}),
});
const termSchema = z.object({ id, name: z.string(), slug: z.string() });
const userSchema = z.object({
  id,
  name: z.string().optional(),
  description: z.string().optional(),
  url: z.string().optional(),
});

type Post = z.infer<typeof postSchema>;
type Comment = z.infer<typeof commentSchema>;

/** A date WordPress wrote in GMT without a zone ("2026-12-07T20:14:54"). */
const gmt = (value: string | null | undefined): number =>
  value ? Date.parse(`${value.replace(/Z$/, '')}Z`) : NaN;
/** A time for WordPress's `date_gmt`: ISO 8601 to the second, in UTC. */
const wpDate = (date: Date): string => date.toISOString().slice(0, 19);

/**
 * A WordPress site through its REST API with an application password: posts with a title, an excerpt, categories,
 * tags, a featured image and further images, published or scheduled (`future`); exactly once by a deterministic
 * slug and a marker looked up before any resend; approved comments as the inbox, replies, comment counts as metrics.
 */
export class WordPressConnector implements OneStepConnector {
  private readonly api: WordPressApi;
  private readonly ledger: SendLedger;
  private me: Promise<z.infer<typeof userSchema>> | undefined;

  constructor(
    private readonly context: PluginContext,
    private readonly options: WordPressOptions,
  ) {
    this.api = new WordPressApi(context, options);
    this.ledger = new SendLedger(context.state);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const earlier = await this.ledger.sent(key);
    if (earlier) {
      return earlier;
    }
    // A marker means an earlier send under this key may have arrived: look before sending again.
    const found = await this.lookup(key);
    if (found) {
      return found;
    }
    const extra = extraOf(request.extra);
    const title = request.title ?? firstLine(request.text);
    const slug = extra.slug ?? [slugify(title, 60), keyDigest(key)].filter(Boolean).join('-');
    const categories = await this.categoryIds(extra.categories ?? []);
    const tags = await this.tagIds(extra.tags ?? []);
    const media = await this.uploadMedia(key, slug, request.media);
    const body: Record<string, unknown> = {
      title,
      content: this.contentOf(request.text, media.slice(1), request.media.slice(1)),
      slug,
      ...this.statusOf(request, extra),
      ...(extra.excerpt === undefined ? {} : { excerpt: extra.excerpt }),
      ...(categories.length ? { categories } : {}),
      ...(tags.length ? { tags } : {}),
      ...(media[0] ? { featured_media: media[0].id } : {}),
    };
    await this.ledger.begin(key, {
      kind: 'post',
      slug,
      title,
      since: this.context.clock.now().toISOString(),
    });
    const { body: created } = await this.api.json<unknown>({
      method: 'POST',
      route: '/wp/v2/posts',
      json: body,
      creates: true,
      what: 'publishing a post',
    });
    const post = this.parse(postSchema, created, 'the created post', true);
    if (post.slug !== slug) {
      this.context.logger.warn(
        `WordPress gave post ${post.id} the slug "${post.slug}" instead of "${slug}": another post already had it`,
      );
    }
    return this.recorded(key, resultOf(post));
  }

  /** The post (or reply) sent under the key: recorded, or found by its marker on the site. */
  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return sent;
    }
    const post = await this.ledger.attempt(idempotencyKey, 'post');
    if (post) {
      const found = await this.findPost(post.slug, post.title, Date.parse(post.since));
      return found ? this.recorded(idempotencyKey, resultOf(found)) : undefined;
    }
    const comment = await this.ledger.attempt(idempotencyKey, 'comment');
    if (comment) {
      const found = await this.findComment(
        comment.post,
        comment.parent,
        comment.content,
        Date.parse(comment.since),
      );
      return found ? this.recorded(idempotencyKey, commentResultOf(found)) : undefined;
    }
    return undefined;
  }

  async delete(remoteId: string): Promise<void> {
    const postId = /^\d+$/.exec(remoteId)?.[0];
    if (!postId) {
      throw new PermanentError(
        `plugin wordpress: cannot delete "${remoteId}": only posts (numeric ids) are deleted`,
      );
    }
    // 404: gone; 410 rest_already_trashed: in the trash already.
    await this.api.call({
      method: 'DELETE',
      route: `/wp/v2/posts/${postId}`,
      query: this.options.forceDelete ? { force: true } : {},
      alsoFine: [404, 410],
      what: 'deleting a post',
    });
  }

  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const me = await this.user();
    const posts = await this.recentPosts();
    if (posts.length === 0) {
      return [];
    }
    const comments = await this.comments(
      posts.map((post) => post.id),
      since ? new Date(since.getTime() - LOCAL_TIME_MARGIN_MS) : undefined,
    );
    return comments
      .filter((comment) => !since || gmt(comment.date_gmt) > since.getTime())
      .map((comment) => ({
        remoteId: commentRemoteId(comment),
        kind: comment.parent ? ('reply' as const) : ('comment' as const),
        author: comment.author_name || (comment.author ? `user ${comment.author}` : 'anonymous'),
        text: htmlToText(comment.content.rendered ?? comment.content.raw ?? ''),
        url: comment.link,
        receivedAt: new Date(gmt(comment.date_gmt)),
        inReplyToRemoteId: comment.parent ? `${comment.post}:${comment.parent}` : String(comment.post),
        byOwner: comment.author === me.id,
      }));
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const earlier = await this.ledger.sent(key);
    if (earlier) {
      return earlier;
    }
    const found = await this.lookup(key);
    if (found) {
      return found;
    }
    const { post, parent } = targetOf(item);
    const content = escapeHtml(request.text);
    await this.ledger.begin(key, {
      kind: 'comment',
      post,
      parent,
      content,
      since: this.context.clock.now().toISOString(),
    });
    try {
      const { body } = await this.api.json<unknown>({
        method: 'POST',
        route: '/wp/v2/comments',
        json: { post, parent, content },
        creates: true,
        what: 'answering a comment',
      });
      return await this.recorded(
        key,
        commentResultOf(this.parse(commentSchema, body, 'the created comment', true)),
      );
    } catch (error) {
      // WordPress refuses the same words twice from one user on one post (409 comment_duplicate): ours, if found.
      if (error instanceof PermanentError && error.platformCode === 'comment_duplicate') {
        const again = await this.lookup(key);
        if (again) {
          return again;
        }
      }
      throw error;
    }
  }

  /** Comments each of the account's recent posts received that day (UTC), as `comments` engagements. */
  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const start = Date.parse(`${day}T00:00:00.000Z`);
    const end = start + 86_400_000;
    const posts = await this.recentPosts();
    if (posts.length === 0) {
      return { engagements: { comments: 0 }, posts: [] };
    }
    const comments = await this.comments(
      posts.map((post) => post.id),
      new Date(start - LOCAL_TIME_MARGIN_MS),
      new Date(end + LOCAL_TIME_MARGIN_MS),
    );
    const perPost = new Map<number, number>(posts.map((post) => [post.id, 0]));
    for (const comment of comments) {
      const at = gmt(comment.date_gmt);
      if (at >= start && at < end && perPost.has(comment.post)) {
        perPost.set(comment.post, (perPost.get(comment.post) ?? 0) + 1);
      }
    }
    const total = [...perPost.values()].reduce((sum, count) => sum + count, 0);
    return {
      engagements: { comments: total },
      posts: [...perPost].map(([postId, count]) => ({
        remoteId: String(postId),
        engagements: { comments: count },
      })),
    };
  }

  /** The publishing user's public profile (name, biographical info, website). */
  async getProfile(): Promise<ProfileSnapshot> {
    const me = await this.user();
    return { displayName: me.name, bio: me.description, links: me.url ? [me.url] : [] };
  }

  private contentOf(text: string, media: UploadedMedia[], attachments: MediaAttachment[]): string {
    const html = this.options.html ? text : textToHtml(text);
    const images = media.map((file, index) =>
      imageHtml(file.sourceUrl, attachments[index]?.altText, file.id),
    );
    return [html, ...images].filter(Boolean).join('\n\n');
  }

  /** `future` with `date_gmt` when the post asks for a later time (extra.publishAt, or a scheduledAt ahead). */
  private statusOf(request: PublishRequest, extra: WordPressExtra): Record<string, string> {
    const at = extra.publishAt ? new Date(extra.publishAt) : request.scheduledAt;
    if (at.getTime() > this.context.clock.now().getTime() + FUTURE_AFTER_MS) {
      return { status: 'future', date_gmt: wpDate(at) };
    }
    return { status: 'publish' };
  }

  /** Category ids by name (or slug); an unknown category refuses the post, naming the ones the site has. */
  private async categoryIds(names: string[]): Promise<number[]> {
    if (names.length === 0) {
      return [];
    }
    const { body } = await this.api.json<unknown>({
      route: '/wp/v2/categories',
      query: { per_page: 100, hide_empty: false },
      what: 'reading the categories',
    });
    const all = this.parse(z.array(termSchema), body, 'the categories');
    return names.map((name) => {
      const match = all.find((term) => sameTerm(term, name));
      if (!match) {
        throw refusedByPlatform(
          'unknown_category',
          `the site has no category "${name}" (it has: ${all.map((term) => htmlToText(term.name)).join(', ') || 'none'}); create it in WordPress (Posts → Categories) or change extra.categories`,
        );
      }
      return match.id;
    });
  }

  /** Tag ids by name; a missing tag is created when the user may (and `createTags`), else the post is refused. */
  private async tagIds(names: string[]): Promise<number[]> {
    const ids: number[] = [];
    for (const name of names) {
      const { body } = await this.api.json<unknown>({
        route: '/wp/v2/tags',
        query: { search: name, per_page: 100, hide_empty: false },
        what: `finding the tag "${name}"`,
      });
      const match = this.parse(z.array(termSchema), body, 'the tags').find((term) => sameTerm(term, name));
      ids.push(match ? match.id : await this.createTag(name));
    }
    return ids;
  }

  private async createTag(name: string): Promise<number> {
    if (!this.options.createTags) {
      throw refusedByPlatform(
        'unknown_tag',
        `the site has no tag "${name}" and options.createTags is false: create it in WordPress (Posts → Tags) or change extra.tags`,
      );
    }
    // Not an unknown outcome when lost: creating it again answers 400 term_exists, and the tag is found by name.
    const response = await this.api.call({
      method: 'POST',
      route: '/wp/v2/tags',
      json: { name },
      alsoFine: [400, 403],
      what: `creating the tag "${name}"`,
    });
    const { code, message } =
      response.status === 201 || response.status === 200
        ? { code: undefined, message: '' }
        : await platformErrorOf(response);
    if (code === undefined) {
      return this.parse(termSchema, await response.json(), 'the created tag').id;
    }
    if (code === 'term_exists') {
      const found = await this.tagIdAfterExists(name);
      if (found) {
        return found;
      }
    }
    if (response.status === 403) {
      throw refusedByPlatform(
        code,
        `the site has no tag "${name}" and "${this.options.username}" may not create tags (${message}): create it in WordPress (Posts → Tags) or change extra.tags`,
      );
    }
    throw refusedByPlatform(code, `WordPress refused to create the tag "${name}": ${message}`);
  }

  private async tagIdAfterExists(name: string): Promise<number | undefined> {
    const { body } = await this.api.json<unknown>({
      route: '/wp/v2/tags',
      query: { search: name, per_page: 100, hide_empty: false },
      what: `finding the tag "${name}"`,
    });
    return this.parse(z.array(termSchema), body, 'the tags').find((term) => sameTerm(term, name))?.id;
  }

  /**
   * Uploads each image once: a recorded upload is reused; a marked one is first looked for by its deterministic
   * slug (`<post slug>-image-<n>`); then `POST /wp/v2/media` with the file and `alt_text` set after.
   */
  private async uploadMedia(
    key: string,
    slug: string,
    attachments: MediaAttachment[],
  ): Promise<UploadedMedia[]> {
    const uploaded: UploadedMedia[] = [];
    for (const [index, attachment] of attachments.entries()) {
      const mediaSlug = `${slug}-image-${index + 1}`;
      let media = await this.ledger.media(key, index);
      const attempt = await this.ledger.mediaAttempt(key, index);
      if (!media && attempt) {
        media = await this.findMedia(attempt.slug, Date.parse(attempt.since));
        if (media) {
          await this.ledger.recordMedia(key, index, media);
        }
      }
      if (!media) {
        const bytes = await readMediaFile(attachment);
        await this.ledger.beginMedia(key, index, {
          slug: mediaSlug,
          since: this.context.clock.now().toISOString(),
        });
        const { body } = await this.api.json<unknown>({
          method: 'POST',
          route: '/wp/v2/media',
          body: bytes,
          headers: {
            'content-type': attachment.mimeType,
            'content-disposition': `attachment; filename="${mediaSlug}.${extensionOf(attachment.mimeType)}"`,
          },
          creates: true,
          what: `uploading image ${index + 1}`,
          timeoutMs: Math.max(this.options.timeoutMs, 60_000),
        });
        const created = this.parse(mediaSchema, body, 'the uploaded file', true);
        media = { id: created.id, sourceUrl: created.source_url };
        await this.ledger.recordMedia(key, index, media);
      }
      if (attachment.altText) {
        // Setting the same alt text again changes nothing: safe to repeat.
        await this.api.call({
          method: 'POST',
          route: `/wp/v2/media/${media.id}`,
          json: { alt_text: attachment.altText },
          what: `setting the alt text of image ${index + 1}`,
        });
      }
      uploaded.push(media);
    }
    return uploaded;
  }

  private async findMedia(slug: string, since: number): Promise<UploadedMedia | undefined> {
    const me = await this.user();
    const { body } = await this.api.json<unknown>({
      route: '/wp/v2/media',
      query: { slug, author: me.id, context: 'edit' },
      what: 'looking for an uploaded image',
    });
    const files = this.parse(
      z.array(mediaSchema.extend({ date_gmt: z.string().nullable().optional() })),
      body,
      'the files',
    );
    const file = files
      .filter((candidate) => !(gmt(candidate.date_gmt) < since - CLOCK_SLACK_MS))
      .sort((a, b) => a.id - b.id)[0];
    return file ? { id: file.id, sourceUrl: file.source_url } : undefined;
  }

  /**
   * The post a send under this marker created: by its slug (or the slug WordPress made unique with `-2`…), by this
   * user, with this title, created since the send started; the oldest if several.
   */
  private async findPost(slug: string, title: string, since: number): Promise<Post | undefined> {
    const me = await this.user();
    const slugs = [slug, `${slug}-2`, `${slug}-3`, `${slug}-4`].join(',');
    const { body } = await this.api
      .json<unknown>({
        route: '/wp/v2/posts',
        query: { slug: slugs, status: ANY_STATUS, author: me.id, context: 'edit', per_page: 20 },
        what: 'looking for a post sent before',
      })
      .catch((error: unknown) => {
        // Only users who may edit posts may list drafts and scheduled ones: "status is forbidden" is a role problem.
        if (error instanceof PermanentError && error.platformCode === 'rest_invalid_param') {
          throw needsReconnect(
            `WordPress refused to list "${this.options.username}"'s own posts (${error.message}): the user must be an Author or above`,
          );
        }
        throw error;
      });
    return this.parse(z.array(postSchema), body, 'the posts')
      .filter(
        (post) =>
          (post.title?.raw === undefined || post.title.raw === title) &&
          (post.status === 'future' || !(gmt(post.date_gmt) < since - CLOCK_SLACK_MS)),
      )
      .sort((a, b) => a.id - b.id)[0];
  }

  /**
   * The reply a send under this marker created: the account's approved comment under that parent with the same words
   * (compared as people read them: WordPress renders quotes and dashes typographically), created since the send
   * started. No `context=edit` and no `status`: WordPress allows those only to users who moderate comments.
   */
  private async findComment(
    post: number,
    parent: number,
    content: string,
    since: number,
  ): Promise<Comment | undefined> {
    const me = await this.user();
    const { body } = await this.api.json<unknown>({
      route: '/wp/v2/comments',
      query: {
        post,
        parent,
        author: me.id,
        per_page: COMMENTS_PAGE,
        after: new Date(since - CLOCK_SLACK_MS - LOCAL_TIME_MARGIN_MS).toISOString(),
      },
      what: 'looking for a reply sent before',
    });
    const words = looseText(htmlToText(content));
    return this.parse(z.array(commentSchema), body, 'the comments')
      .filter(
        (comment) =>
          looseText(htmlToText(comment.content.raw ?? comment.content.rendered ?? '')) === words &&
          !(gmt(comment.date_gmt) < since - CLOCK_SLACK_MS),
      )
      .sort((a, b) => a.id - b.id)[0];
  }

  /** The account's newest posts (published ones: comments come on those). */
  private async recentPosts(): Promise<Post[]> {
    const me = await this.user();
    const { body } = await this.api.json<unknown>({
      route: '/wp/v2/posts',
      query: { author: me.id, per_page: RECENT_POSTS, orderby: 'date', order: 'desc' },
      what: "listing the account's recent posts",
    });
    return this.parse(z.array(postSchema), body, 'the posts');
  }

  /** Approved comments on these posts, page by page (X-WP-TotalPages), at most MAX_COMMENT_PAGES pages. */
  private async comments(posts: number[], after?: Date, before?: Date): Promise<Comment[]> {
    const all: Comment[] = [];
    for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
      const { body, headers } = await this.api.json<unknown>({
        route: '/wp/v2/comments',
        query: {
          post: posts.join(','),
          per_page: COMMENTS_PAGE,
          page,
          orderby: 'date_gmt',
          order: 'asc',
          after: after?.toISOString(),
          before: before?.toISOString(),
        },
        what: 'reading comments',
      });
      const comments = this.parse(z.array(commentSchema), body, 'the comments');
      all.push(...comments);
      const pages = Number(headers['x-wp-totalpages'] ?? '1');
      if (comments.length < COMMENTS_PAGE || !(page < pages)) {
        break;
      }
    }
    return all;
  }

  private user(): Promise<z.infer<typeof userSchema>> {
    this.me ??= this.api
      .json<unknown>({ route: '/wp/v2/users/me', query: { context: 'edit' }, what: 'reading the user' })
      .then(({ body }) => this.parse(userSchema, body, 'the user'))
      .catch((error: unknown) => {
        this.me = undefined;
        throw error;
      });
    return this.me;
  }

  /**
   * An answer checked before it is trusted. A created thing answered in a shape we cannot read may exist all the
   * same: an unknown outcome (the core looks it up) rather than a refusal.
   */
  private parse<T>(schema: z.ZodType<T>, value: unknown, what: string, created = false): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      return parsed.data;
    }
    const problem = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    const message = `plugin wordpress: WordPress answered ${what} in an unexpected shape (${problem}): is ${this.options.siteUrl} a WordPress site with the REST API?`;
    throw created ? outcomeUnknown(message) : new PermanentError(message);
  }

  /** Records the result under the key; an id another key holds already is refused in words. */
  private async recorded(key: string, result: PublishResult): Promise<PublishResult> {
    const holder = await this.ledger.record(key, result);
    if (holder !== undefined) {
      throw refusedByPlatform(
        'already_recorded',
        `WordPress's ${result.remoteId} was recorded earlier for another post (${holder}); publish this one again with another slug`,
      );
    }
    return result;
  }
}

function extraOf(extra: Record<string, unknown>): WordPressExtra {
  const parsed = wordpressExtraSchema.safeParse(extra);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refusedByPlatform('invalid_extra', `extra.${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

/** Words without the characters wptexturize changes (quotes, dashes, ellipses) and with spaces collapsed. */
const looseText = (text: string): string =>
  text
    .replace(/[-\u2010-\u2015'"\u2018\u2019\u201c\u201d\u2032\u2033`]|\.\.\.|\u2026|\u00d7/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const sameTerm = (term: { name: string; slug: string }, name: string) =>
  htmlToText(term.name).toLowerCase() === name.trim().toLowerCase() ||
  term.slug === name.trim().toLowerCase();

/** Without a title (posts stored before SDK 2.2), the text's first line, as WordPress needs one to show. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

const resultOf = (post: Post): PublishResult => ({
  remoteId: String(post.id),
  url: post.link,
  publishedAt: Number.isNaN(gmt(post.date_gmt)) ? undefined : new Date(gmt(post.date_gmt)),
});

const commentRemoteId = (comment: { post: number; id: number }) => `${comment.post}:${comment.id}`;

const commentResultOf = (comment: Comment): PublishResult => ({
  remoteId: commentRemoteId(comment),
  url: comment.link,
});

/** The post a reply goes on and the comment it answers: `<post>:<comment>` (a comment) or `<post>` (the post). */
function targetOf(item: InboxItemRef): { post: number; parent: number } {
  const match = /^(\d+)(?::(\d+))?$/.exec(item.remoteId);
  if (!match) {
    throw new PermanentError(
      `plugin wordpress: cannot answer ${item.remoteId}: only comments on WordPress posts ("<post>:<comment>") can be answered`,
    );
  }
  return { post: Number(match[1]), parent: Number(match[2] ?? 0) };
}

function extensionOf(mimeType: string): string {
  return (
    { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' }[mimeType] ?? 'bin'
  );
}
