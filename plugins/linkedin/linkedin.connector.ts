import {
  credentialsOf,
  needsReconnect,
  PermanentError,
  refusedByPlatform,
  type ChannelMetrics,
  type InboxItemInput,
  type InboxItemRef,
  type OneStepConnector,
  type PluginContext,
  type ProfileSnapshot,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { LinkedInApi, urnParam } from './linkedin-api';
import { duplicateOf, resultOf, SendLedger, type PendingSend } from './linkedin-exactly-once';
import { uploadImages } from './linkedin-media';
import type { LinkedInOptions } from './linkedin-options.schema';
import { postBodyOf } from './linkedin-post-body';
import { escapeLittleText, readLittleText } from './linkedin-text';

/** How many of the author's newest posts lookup and the inbox read. */
const RECENT_POSTS = 20;
/** Comments per page (the Comments API pages with start/count). */
const COMMENTS_PAGE = 50;
/** Pages of comments per post per poll, so one busy post cannot make a poll unbounded. */
const MAX_COMMENT_PAGES = 10;
/** A post or comment created this long before the send started is not the send's (clocks differ a little). */
const CLOCK_SLACK_MS = 60_000;

interface PostElement {
  id?: string;
  author?: string;
  commentary?: string;
  createdAt?: number;
}

interface CommentElement {
  id?: string;
  $URN?: string;
  actor?: string;
  object?: string;
  parentComment?: string;
  message?: { text?: string };
  created?: { time?: number };
}

interface Paged<T> {
  elements?: T[];
  paging?: { start?: number; count?: number; total?: number };
}

/**
 * A LinkedIn member profile or Page through the versioned REST API: posts (text, images, article links, mentions),
 * exactly once by a marker lookup and LinkedIn's own duplicate refusal; comments as the inbox and replies; the
 * Page's follower count and share statistics.
 */
export class LinkedInConnector implements OneStepConnector {
  private readonly api: LinkedInApi;
  private readonly ledger: SendLedger;

  constructor(
    private readonly context: PluginContext,
    private readonly options: LinkedInOptions,
  ) {
    this.api = new LinkedInApi(context, options, async () => (await this.tokens()).accessToken);
    this.ledger = new SendLedger(context.state);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return earlier;
    }
    const author = await this.author();
    const images = await uploadImages(
      this.api,
      this.context.state,
      request.idempotencyKey,
      author,
      request.media,
    );
    const body = postBodyOf(request, author, images, this.options.visibility);
    await this.ledger.begin(request.idempotencyKey, {
      kind: 'post',
      author,
      text: body.commentary as string,
      since: this.context.clock.now().toISOString(),
    });
    let urn: string | undefined;
    try {
      const response = await this.api.call({
        method: 'POST',
        path: '/rest/posts',
        json: body,
        creates: true,
        what: 'publishing a post',
      });
      urn = response.headers['x-restli-id'];
    } catch (error) {
      const duplicate = error instanceof PermanentError && error.platformCode === 'DUPLICATE_POST';
      if (!duplicate) {
        throw error;
      }
      // LinkedIn refuses a post identical to a recent one and names it: when it is this key's lost send, it is ours.
      urn = duplicateOf(error.message);
      if (!urn) {
        throw error;
      }
    }
    if (!urn) {
      throw new Error(
        'plugin linkedin: LinkedIn created the post but answered without its id (header x-restli-id)',
      );
    }
    return this.recorded(request.idempotencyKey, urn);
  }

  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return sent;
    }
    const pending = await this.ledger.pending(idempotencyKey);
    if (!pending || !(await this.canRead())) {
      // Not readable: a resend is still safe, since LinkedIn refuses the duplicate and names the first post.
      return undefined;
    }
    const urn = pending.kind === 'post' ? await this.findPost(pending) : await this.findComment(pending);
    return urn ? this.recorded(idempotencyKey, urn) : undefined;
  }

  async delete(remoteId: string): Promise<void> {
    await this.api.call({
      method: 'DELETE',
      path: `/rest/posts/${urnParam(remoteId)}`,
      alsoFine: [404],
      what: 'deleting a post',
    });
  }

  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    if (!(await this.canRead())) {
      this.context.logger.warn(
        'the LinkedIn token has no r_organization_social (Page) or r_member_social (member) scope: comments cannot be read; reconnect with those scopes to fill the inbox',
      );
      return [];
    }
    const author = await this.author();
    const items: InboxItemInput[] = [];
    for (const post of await this.recentPosts(author)) {
      for (const comment of await this.comments(post.id as string)) {
        const receivedAt = new Date(comment.created?.time ?? 0);
        if (since && receivedAt <= since) {
          continue;
        }
        items.push({
          remoteId: comment.$URN ?? `urn:li:comment:(${post.id},${comment.id})`,
          kind: comment.parentComment ? 'reply' : 'comment',
          author: comment.actor ?? 'unknown',
          text: readLittleText(comment.message?.text ?? ''),
          url: `https://www.linkedin.com/feed/update/${post.id}`,
          receivedAt,
          inReplyToRemoteId: comment.parentComment ?? post.id,
          byOwner: comment.actor === author,
        });
      }
    }
    return items;
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return earlier;
    }
    const author = await this.author();
    const { post, parent } = targetOf(item);
    const text = escapeLittleText(request.text);
    await this.ledger.begin(request.idempotencyKey, {
      kind: 'comment',
      author,
      text,
      object: post,
      since: this.context.clock.now().toISOString(),
    });
    const comment = await this.api.json<CommentElement>({
      method: 'POST',
      path: `/rest/socialActions/${urnParam(parent ?? post)}/comments`,
      json: { actor: author, object: post, message: { text }, ...(parent ? { parentComment: parent } : {}) },
      creates: true,
      what: 'answering a comment',
    });
    const urn = comment.$URN ?? (comment.id ? `urn:li:comment:(${post},${comment.id})` : undefined);
    if (!urn) {
      throw new Error(
        'plugin linkedin: LinkedIn created the comment but answered without its id ($URN or id)',
      );
    }
    return this.recorded(request.idempotencyKey, urn);
  }

  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const author = await this.author();
    if (
      !author.startsWith('urn:li:organization:') ||
      !(await this.scopes()).includes('rw_organization_admin')
    ) {
      // LinkedIn reports follower counts and share statistics for Pages (rw_organization_admin) only.
      return {};
    }
    const network = await this.api.json<{ firstDegreeSize?: unknown }>({
      path: `/rest/networkSizes/${urnParam(author)}`,
      query: 'edgeType=COMPANY_FOLLOWED_BY_MEMBER',
      what: 'reading the follower count',
    });
    const start = Date.parse(`${day}T00:00:00.000Z`);
    const stats = await this.api.json<Paged<{ totalShareStatistics?: Record<string, unknown> }>>({
      path: '/rest/organizationalEntityShareStatistics',
      query: `q=organizationalEntity&organizationalEntity=${urnParam(author)}&timeIntervals=(timeRange:(start:${start},end:${start + 86_400_000}),timeGranularityType:DAY)`,
      what: 'reading the share statistics',
    });
    const total = stats.elements?.[0]?.totalShareStatistics ?? {};
    const count = (name: string): number | undefined => {
      const value = total[name];
      return typeof value === 'number' && value >= 0 ? value : undefined;
    };
    const engagements: Record<string, number> = {};
    for (const [kind, field] of [
      ['likes', 'likeCount'],
      ['comments', 'commentCount'],
      ['shares', 'shareCount'],
    ] as const) {
      const value = count(field);
      if (value !== undefined) {
        engagements[kind] = value;
      }
    }
    return {
      followers: typeof network.firstDegreeSize === 'number' ? network.firstDegreeSize : undefined,
      impressions: count('impressionCount'),
      clicks: count('clickCount'),
      engagements,
    };
  }

  /**
   * The Page as people see it (`GET /rest/organizations/{id}`: localized name, description, website; needs
   * rw_organization_admin), or the member's name (`/v2/userinfo`). LinkedIn's API offers no profile writes.
   */
  async getProfile(): Promise<ProfileSnapshot> {
    const author = await this.author();
    if (author.startsWith('urn:li:organization:')) {
      const page = await this.api.json<Record<string, unknown>>({
        path: `/rest/organizations/${author.slice('urn:li:organization:'.length)}`,
        what: 'reading the Page',
      });
      const text = (field: string) => (typeof page[field] === 'string' ? page[field] : undefined);
      const website = text('localizedWebsite');
      return {
        displayName: text('localizedName'),
        bio: text('localizedDescription'),
        links: website ? [website] : [],
      };
    }
    const me = await this.api.json<{ name?: unknown }>({
      path: '/v2/userinfo',
      what: 'reading the member profile',
    });
    return { displayName: typeof me.name === 'string' ? me.name : undefined, links: [] };
  }

  async refreshCredentials(): Promise<boolean> {
    return this.options.accessToken ? false : credentialsOf(this.context).refresh();
  }

  /** Records the URN under the key; a URN another key holds is a duplicate of that post, refused in words. */
  private async recorded(idempotencyKey: string, urn: string): Promise<PublishResult> {
    const holder = await this.ledger.record(idempotencyKey, urn);
    if (holder !== undefined) {
      throw refusedByPlatform(
        'DUPLICATE_POST',
        `LinkedIn refused the post as a duplicate of ${urn}, which Metronome published earlier for another post (${holder}): change the text`,
      );
    }
    return resultOf(urn);
  }

  private async findPost(pending: PendingSend): Promise<string | undefined> {
    const since = Date.parse(pending.since) - CLOCK_SLACK_MS;
    const posts = await this.recentPosts(pending.author);
    return posts.find((post) => post.commentary === pending.text && (post.createdAt ?? 0) >= since)?.id;
  }

  private async findComment(pending: PendingSend): Promise<string | undefined> {
    const since = Date.parse(pending.since) - CLOCK_SLACK_MS;
    const found = (await this.comments(pending.object as string)).find(
      (comment) =>
        comment.actor === pending.author &&
        comment.message?.text === pending.text &&
        (comment.created?.time ?? 0) >= since,
    );
    return found ? (found.$URN ?? `urn:li:comment:(${pending.object},${found.id})`) : undefined;
  }

  /** The author's newest posts (`GET /rest/posts?q=author`), as LinkedIn lists them: newest first. */
  private async recentPosts(author: string): Promise<PostElement[]> {
    const page = await this.api.json<Paged<PostElement>>({
      path: '/rest/posts',
      query: `q=author&author=${urnParam(author)}&count=${RECENT_POSTS}&sortBy=LAST_MODIFIED`,
      what: "listing the account's recent posts",
    });
    return (page.elements ?? []).filter((post) => typeof post.id === 'string');
  }

  /** Every comment on a post, page by page (start/count, until the total), at most MAX_COMMENT_PAGES pages. */
  private async comments(post: string): Promise<CommentElement[]> {
    const all: CommentElement[] = [];
    for (let page = 0, start = 0; page < MAX_COMMENT_PAGES; page++) {
      const answer = await this.api.json<Paged<CommentElement>>({
        path: `/rest/socialActions/${urnParam(post)}/comments`,
        query: `start=${start}&count=${COMMENTS_PAGE}`,
        what: 'reading comments',
      });
      const elements = answer.elements ?? [];
      all.push(...elements);
      start += elements.length;
      if (elements.length === 0 || start >= (answer.paging?.total ?? start)) {
        break;
      }
    }
    return all;
  }

  private async tokens(): Promise<{
    accessToken: string;
    scopes?: string[];
    account?: Record<string, string>;
  }> {
    if (this.options.accessToken) {
      return { accessToken: this.options.accessToken, scopes: this.options.scopes };
    }
    return credentialsOf(this.context).current();
  }

  private async scopes(): Promise<string[]> {
    return (await this.tokens()).scopes ?? [];
  }

  /** Comments and posts can be read with r_organization_social (a Page) or r_member_social (a member, restricted). */
  private async canRead(): Promise<boolean> {
    const scopes = await this.scopes();
    const author = await this.author();
    return scopes.includes(
      author.startsWith('urn:li:organization:') ? 'r_organization_social' : 'r_member_social',
    );
  }

  /** Who posts: the `author` option, else the Page found when connecting, else the member. */
  private async author(): Promise<string> {
    if (this.options.author) {
      return this.options.author;
    }
    const { account } = await this.tokens();
    const author = account?.organization ?? account?.member;
    if (!author) {
      throw needsReconnect(
        `plugin linkedin (${this.context.scope}): no author known: set options.author, or connect the channel with \`metronome channels connect ${this.context.scope}\``,
      );
    }
    return author;
  }
}

/** The post a reply goes on, and the comment it answers (a comment URN holds its post: `urn:li:comment:(<post>,<id>)`). */
function targetOf(item: InboxItemRef): { post: string; parent?: string } {
  const inside = /^urn:li:comment:\((urn:li:[A-Za-z]+:\d+),[^)]+\)$/.exec(item.remoteId);
  if (inside) {
    return { post: inside[1], parent: item.remoteId };
  }
  if (/^urn:li:(share|ugcPost|activity):\d+$/.test(item.remoteId)) {
    return { post: item.remoteId };
  }
  throw new PermanentError(
    `plugin linkedin: cannot answer ${item.remoteId}: only comments on LinkedIn posts (urn:li:comment:…) can be answered`,
  );
}
