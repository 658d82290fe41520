import { createHash, randomUUID } from 'node:crypto';
import type {
  ChannelMetrics,
  DesiredProfile,
  InboxItemRef,
  InboxItemInput,
  PluginContext,
  ProfileSnapshot,
  PublishRequest,
  PublishResult,
  ReplyRequest,
} from '../../src/plugin-sdk';

interface StoredPost {
  remoteId: string;
  text: string;
  publishedAt: string;
  /** The key the post was sent with (absent on posts stored before keys were recorded). */
  idempotencyKey?: string;
  /** A reply: the inbox item it answers. */
  inReplyToRemoteId?: string;
}

/**
 * `honour`: a repeated idempotency key returns the first post, as Mastodon's `Idempotency-Key` does.
 * `ignore`: every call creates a new post, as on a platform without keys, so a duplicate send shows.
 */
export type IdempotencyMode = 'honour' | 'ignore';

const AUTHORS = ['ana.fernandes', 'li.wei', 'sam.okafor', 'marta.k', 'jonas.berg', 'priya.n'];
const COMMENTS = [
  'Love this! When is it available in the UK?',
  'Is there a discount for returning customers?',
  'This is exactly what I needed this week.',
  'Can you share the link again? It does not open for me.',
  'Great thread, saving it for later 👏',
  'Who do I contact about a wholesale order?',
];

/** A comment someone wrote on the simulated network (`metronome sandbox comment`), kept until read. */
interface WrittenComment {
  remoteId: string;
  author: string;
  text: string;
  receivedAt: string;
  inReplyToRemoteId?: string;
}

/** A number in [0, 1) derived from text: the sandbox is deterministic so demos, tests and benchmarks repeat. */
function unit(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * A simulated social network kept in the plugin's durable state (the database), one per channel.
 * Publishing is idempotent by key unless told to ignore keys; comments and metrics are generated from
 * what was published.
 */
export class SandboxNetwork {
  constructor(
    private readonly context: PluginContext,
    private readonly handle: string,
    private readonly idempotency: IdempotencyMode = 'honour',
    /** The account's live profile until someone changes it (`options.profile`). */
    private readonly initialProfile?: ProfileSnapshot,
  ) {}

  async publish(request: PublishRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const publishedAt = this.context.clock.now().toISOString();
    if (this.idempotency === 'ignore') {
      // A fresh id and a state key of its own per call: two concurrent sends make two posts, never one
      // overwriting the other. The key is kept with the post, the way a platform search would find it.
      const remoteId = this.remoteIdFor(`${key}/${randomUUID()}`);
      const post: StoredPost = { remoteId, text: request.text, publishedAt, idempotencyKey: key };
      await this.context.state.set(`post:${key}#${remoteId}`, post);
      return this.toResult(post);
    }
    const post: StoredPost = {
      remoteId: this.remoteIdFor(key),
      text: request.text,
      publishedAt,
      idempotencyKey: key,
    };
    // Honouring the key: a second send with it returns the first post, as Mastodon's Idempotency-Key does.
    const existing = await this.context.state.setIfAbsent<StoredPost>(`post:${key}`, post);
    return this.toResult(existing ?? post);
  }

  /**
   * Makes a container's post visible. A platform publishes one container at most once (Instagram's
   * `media_publish` answers the same media for a container published before), so the post's id and state key
   * derive from the container's handle and the write is set-if-absent: a worker killed between this write and
   * the container's own update, asking again, gets the same post back, never a second one, whatever the mode.
   */
  async publishContainer(handle: string, request: PublishRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const remoteId = this.containerPostId(handle);
    const post: StoredPost = {
      remoteId,
      text: request.text,
      publishedAt: this.context.clock.now().toISOString(),
      idempotencyKey: key,
    };
    const stateKey = this.idempotency === 'ignore' ? `post:${key}#${remoteId}` : `post:${key}`;
    const existing = await this.context.state.setIfAbsent<StoredPost>(stateKey, post);
    return this.toResult(existing ?? post);
  }

  /** The id the post of a container gets once visible. */
  containerPostId(handle: string): string {
    return this.remoteIdFor(`container/${handle}`);
  }

  /** Whether a post with this id is on the network. */
  async hasPost(remoteId: string): Promise<boolean> {
    return (await this.context.state.list<StoredPost>('post:')).some(
      ({ value }) => value.remoteId === remoteId,
    );
  }

  /**
   * The account answers an inbox item: a reply post on the network, idempotent by key unless keys are ignored (then
   * every call makes another reply, so a duplicate shows). `lookup` finds it by its key as it finds posts.
   */
  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const publishedAt = this.context.clock.now().toISOString();
    const seed = this.idempotency === 'ignore' ? `${key}/${randomUUID()}` : key;
    const reply: StoredPost = {
      remoteId: this.remoteIdFor(`reply/${seed}`),
      text: request.text,
      publishedAt,
      idempotencyKey: key,
      inReplyToRemoteId: item.remoteId,
    };
    if (this.idempotency === 'ignore') {
      await this.context.state.set(`reply:${key}#${reply.remoteId}`, reply);
      return this.toResult(reply);
    }
    const existing = await this.context.state.setIfAbsent<StoredPost>(`reply:${key}`, reply);
    return this.toResult(existing ?? reply);
  }

  /** The replies on the network to an inbox item, oldest first (tests count them: one per reply, never two). */
  async repliesTo(remoteId: string): Promise<StoredPost[]> {
    return (await this.context.state.list<StoredPost>('reply:'))
      .map(({ value }) => value)
      .filter((reply) => reply.inReplyToRemoteId === remoteId)
      .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  }

  /** The post or reply sent with this key (the earliest one if keys are ignored and it was sent more than once). */
  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    return (await this.lookupIn('post', idempotencyKey)) ?? (await this.lookupIn('reply', idempotencyKey));
  }

  private async lookupIn(
    prefix: 'post' | 'reply',
    idempotencyKey: string,
  ): Promise<PublishResult | undefined> {
    const post =
      this.idempotency === 'honour'
        ? await this.context.state.get<StoredPost>(`${prefix}:${idempotencyKey}`)
        : (await this.context.state.list<StoredPost>(`${prefix}:${idempotencyKey}#`))
            .map(({ value }) => value)
            .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))[0];
    return post ? this.toResult(post) : undefined;
  }

  /** How many posts the network holds per idempotency key: more than one means a duplicate was sent. */
  async postsPerKey(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const { key, value } of await this.context.state.list<StoredPost>('post:')) {
      const idempotencyKey = value.idempotencyKey ?? key.slice('post:'.length);
      counts.set(idempotencyKey, (counts.get(idempotencyKey) ?? 0) + 1);
    }
    return counts;
  }

  async delete(remoteId: string): Promise<void> {
    for (const { key, value } of await this.context.state.list<StoredPost>('post:')) {
      if (value.remoteId === remoteId) {
        await this.context.state.delete(key);
      }
    }
  }

  /** Each post draws 0–3 comments, arriving 17, 34 and 51 minutes after publishing. */
  async inbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const now = this.context.clock.now().getTime();
    const items: InboxItemInput[] = [];
    for (const { value: post } of await this.context.state.list<StoredPost>('post:')) {
      const count = Math.floor(unit(post.remoteId) * 4);
      for (let i = 0; i < count; i++) {
        const receivedAt = new Date(new Date(post.publishedAt).getTime() + (i + 1) * 17 * 60_000);
        if (receivedAt.getTime() > now || (since && receivedAt <= since)) {
          continue;
        }
        const pick = unit(`${post.remoteId}/${i}`);
        items.push({
          remoteId: `${post.remoteId}-c${i}`,
          kind: i === 0 ? 'comment' : 'reply',
          author: AUTHORS[Math.floor(pick * AUTHORS.length)],
          text: COMMENTS[Math.floor(unit(`${post.remoteId}/text/${i}`) * COMMENTS.length)],
          url: `https://sandbox.invalid/${this.handle}/${post.remoteId}#c${i}`,
          receivedAt,
          inReplyToRemoteId: post.remoteId,
        });
      }
    }
    for (const { value: comment } of await this.context.state.list<WrittenComment>('comment:')) {
      const receivedAt = new Date(comment.receivedAt);
      if (since && receivedAt <= since) {
        continue;
      }
      items.push({
        remoteId: comment.remoteId,
        kind: comment.inReplyToRemoteId ? 'comment' : 'mention',
        author: comment.author,
        text: comment.text,
        url: `https://sandbox.invalid/${this.handle}/${comment.inReplyToRemoteId ?? 'mentions'}#${comment.remoteId}`,
        receivedAt,
        ...(comment.inReplyToRemoteId ? { inReplyToRemoteId: comment.inReplyToRemoteId } : {}),
      });
    }
    return items.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  /**
   * Someone writes on the network: a comment on the account's newest post, or a mention when it has none.
   * The next inbox poll reads it like any other item.
   */
  async writeComment(author: string, text: string): Promise<InboxItemInput> {
    const newest = (await this.context.state.list<StoredPost>('post:'))
      .map(({ value }) => value)
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))[0];
    const comment: WrittenComment = {
      remoteId: `w${randomUUID().replaceAll('-', '').slice(0, 15)}`,
      author,
      text,
      receivedAt: this.context.clock.now().toISOString(),
      ...(newest ? { inReplyToRemoteId: newest.remoteId } : {}),
    };
    await this.context.state.set(`comment:${comment.receivedAt}:${comment.remoteId}`, comment);
    const [item] = (await this.inbox(new Date(Date.parse(comment.receivedAt) - 1))).filter(
      (candidate) => candidate.remoteId === comment.remoteId,
    );
    return item;
  }

  /** Someone edits the profile on the network (`metronome sandbox profile`): profile checks see it. */
  async editProfile(changes: Partial<ProfileSnapshot>): Promise<ProfileSnapshot> {
    const profile = { ...(await this.profile()), ...changes };
    await this.context.state.set('profile', profile);
    return profile;
  }

  /** The account's owner changes the profile (`updateProfile`, enforce mode): fields left out stay as they are. */
  async updateProfile(desired: DesiredProfile): Promise<ProfileSnapshot> {
    const changes: Partial<ProfileSnapshot> = {};
    if (desired.displayName !== undefined) {
      changes.displayName = desired.displayName;
    }
    if (desired.bio !== undefined) {
      changes.bio = desired.bio;
    }
    if (desired.links !== undefined) {
      changes.links = [...desired.links];
    }
    return this.editProfile(changes);
  }

  /** Followers grow slowly from a handle-specific base; posts earn impressions that decay with age. */
  async metrics(day: string): Promise<ChannelMetrics> {
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const dayIndex = Math.floor(dayStart / 86_400_000);
    const base = 800 + Math.floor(unit(this.handle) * 4000);
    const followers = base + (Math.floor(dayIndex * (2 + unit(`${this.handle}/growth`) * 3)) % 100_000);
    const posts = (await this.context.state.list<StoredPost>('post:'))
      .map(({ value }) => value)
      .filter((post) => Date.parse(post.publishedAt) < dayStart + 86_400_000)
      .map((post) => {
        const age = Math.max(0, Math.floor((dayStart - Date.parse(post.publishedAt)) / 86_400_000));
        const reach = Math.floor((200 + unit(post.remoteId) * 1800) / (age + 1));
        const likes = Math.floor(reach * (0.02 + unit(`${post.remoteId}/likes`) * 0.06));
        return {
          remoteId: post.remoteId,
          impressions: reach,
          engagements: { likes, reposts: Math.floor(likes / 4), replies: Math.floor(likes / 6) },
          clicks: Math.floor(reach * 0.01),
        };
      });
    const sum = (pick: (p: (typeof posts)[number]) => number) =>
      posts.reduce((total, p) => total + pick(p), 0);
    return {
      followers,
      impressions: sum((p) => p.impressions),
      engagements: {
        likes: sum((p) => p.engagements.likes),
        reposts: sum((p) => p.engagements.reposts),
        replies: sum((p) => p.engagements.replies),
      },
      clicks: sum((p) => p.clicks),
      posts,
    };
  }

  async profile(): Promise<ProfileSnapshot> {
    return (
      (await this.context.state.get<ProfileSnapshot>('profile')) ??
      this.initialProfile ?? {
        displayName: this.handle,
        bio: '',
        links: [],
      }
    );
  }

  private remoteIdFor(seed: string): string {
    return createHash('sha256').update(`${this.handle}/${seed}`).digest('hex').slice(0, 16);
  }

  private toResult(post: StoredPost): PublishResult {
    return {
      remoteId: post.remoteId,
      url: `https://sandbox.invalid/${this.handle}/${post.remoteId}`,
      publishedAt: new Date(post.publishedAt),
    };
  }
}
