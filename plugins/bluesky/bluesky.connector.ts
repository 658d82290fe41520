import {
  OutcomeUnknownError,
  PermanentError,
  describeExcess,
  measureText,
  refusedByPlatform,
  type Connector,
  type DesiredProfile,
  type InboxItemRef,
  type ReplyRequest,
  type PluginContext,
  type ProfileSnapshot,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import { NoAnswerError, XrpcError } from './bluesky-errors';
import { buildFacets, detectMentions, type DetectedMention } from './bluesky-facets';
import { loadImages, type BlobRef, type LoadedImage } from './bluesky-media';
import type { BlueskyOptions } from './bluesky-options.schema';
import {
  POST_COLLECTION,
  PROFILE_COLLECTION,
  parseRecordUri,
  postUrl,
  type PostRecord,
  type ProfileRecord,
  type StoredRecord,
  type StrongRef,
} from './bluesky-records';
import { TEXT_LIMITS, splitThread } from './bluesky-text';
import { MAX_THREAD_PARTS, recordKey } from './bluesky-tid';
import { BlueskyXrpc } from './bluesky-xrpc';

/**
 * What a publish will write, saved in the channel's state before the first record is sent, so a retry and a
 * lookup after a crash know the record keys and can tell this post's records from anything else.
 */
interface PublishPlan {
  did: string;
  handle: string;
  createdAt: string;
  parts: Array<{ rkey: string; text: string }>;
  /** Set once every part exists on the PDS. */
  result?: { remoteId: string; url: string; publishedAt: string };
}

const PLAN = 'post:';
const EXTRA_KEYS = new Set(['thread']);
/** Blob uploads carry up to 2 MB: more time than an ordinary call. */
const UPLOAD_TIMEOUT_MS = 60_000;

/**
 * One Bluesky account on its PDS, through the AT Protocol's repository calls (com.atproto.repo.*), signed in
 * with an app password. A retry never duplicates a post: each record's key is a TID derived from the post's
 * idempotency key and scheduled time, so a second createRecord of the same post collides with the first and the
 * connector takes the record that is there. README.md beside this file tells what it does and cannot do.
 */
export class BlueskyConnector implements Connector {
  private readonly xrpc: BlueskyXrpc;

  constructor(
    private readonly context: PluginContext,
    options: BlueskyOptions,
  ) {
    this.xrpc = new BlueskyXrpc(context.http, context.clock, context.logger, options);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const saved = await this.context.state.get<PublishPlan>(PLAN + key);
    if (saved?.result) {
      return toResult(saved.result);
    }
    const texts = this.partsOf(request);
    const images = await loadImages(request.media);
    const { did, handle } = await this.mapped('signing in', () => this.xrpc.identity('publishing a post'));

    // A saved plan stands as long as any of its records may exist: the thread is then completed, not restarted.
    const existing = saved ? await this.existingParts(saved) : [];
    const plan: PublishPlan =
      saved && existing.some(Boolean)
        ? saved
        : {
            did,
            handle,
            createdAt: this.context.clock.now().toISOString(),
            parts: texts.map((text, part) => ({ rkey: recordKey(key, request.scheduledAt, part), text })),
          };
    await this.context.state.set(PLAN + key, plan);

    const refs: StrongRef[] = [];
    for (const [index, part] of plan.parts.entries()) {
      const found = existing[index];
      if (found && plan === saved) {
        refs.push(found);
        continue;
      }
      const record: PostRecord = {
        $type: POST_COLLECTION,
        text: part.text,
        createdAt: plan.createdAt,
      };
      const facets = buildFacets(part.text, await this.resolveMentions(detectMentions(part.text)));
      if (facets.length > 0) {
        record.facets = facets;
      }
      if (index === 0 && images.length > 0) {
        record.embed = { $type: 'app.bsky.embed.images', images: await this.upload(images) };
      }
      if (index > 0) {
        record.reply = { root: refs[0], parent: refs[index - 1] };
      }
      refs.push(await this.create(plan, part.rkey, record));
    }
    return this.finish(key, plan, refs[0]);
  }

  /**
   * The post published under an idempotency key: from the channel's state when this connector saw it through,
   * otherwise by reading the planned records from the PDS (the plan is saved before anything is sent). A thread
   * counts as published only when all its parts exist; until then a retry of publish completes it.
   */
  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const plan = await this.context.state.get<PublishPlan>(PLAN + idempotencyKey);
    if (!plan) {
      return undefined;
    }
    if (plan.result) {
      return toResult(plan.result);
    }
    const parts = await this.existingParts(plan);
    return parts.every(Boolean) ? this.finish(idempotencyKey, plan, parts[0]!) : undefined;
  }

  /** Deletes the post and, for a thread published here, its other parts. A record already gone counts as deleted. */
  async delete(remoteId: string): Promise<void> {
    const target = parseRecordUri(remoteId);
    if (!target || target.collection !== POST_COLLECTION) {
      throw new PermanentError(`"${remoteId}" is not the at:// address of a Bluesky post`);
    }
    const plans = await this.context.state.list<PublishPlan>(PLAN);
    const owned = plans.find(({ value }) => value.result?.remoteId === remoteId);
    const rkeys = owned ? owned.value.parts.map((part) => part.rkey).reverse() : [target.rkey];
    for (const rkey of rkeys) {
      await this.mapped(`deleting post ${rkey}`, () =>
        this.xrpc.call(
          {
            kind: 'procedure',
            nsid: 'com.atproto.repo.deleteRecord',
            body: { repo: target.repo, collection: POST_COLLECTION, rkey },
          },
          'deleting a post',
        ),
      );
    }
    if (owned) {
      await this.context.state.delete(owned.key);
    }
  }

  /** The profile record (`app.bsky.actor.profile/self`), read from the PDS: no AppView needed. */
  async getProfile(): Promise<ProfileSnapshot> {
    const { did, handle } = await this.mapped('signing in', () => this.xrpc.identity('reading the profile'));
    const stored = await this.getRecord<ProfileRecord>(
      did,
      PROFILE_COLLECTION,
      'self',
      'reading the profile',
    );
    const profile = stored?.value ?? {};
    const links = new Set<string>();
    if (profile.website) {
      links.add(profile.website);
    }
    for (const match of (profile.description ?? '').matchAll(/https?:\/\/[^\s)]+/g)) {
      links.add(match[0].replace(/[.,;:!?]$/, ''));
    }
    const pinned = profile.pinnedPost ? parseRecordUri(profile.pinnedPost.uri) : undefined;
    return {
      displayName: profile.displayName,
      bio: profile.description,
      links: [...links],
      pinned: pinned ? postUrl(handle, pinned.rkey) : undefined,
    };
  }

  /**
   * Answers a post (an inbox item's at:// address) with a post record whose `reply` holds strong references to the
   * thread's root and to the parent, read from the PDS (com.atproto.repo.getRecord: the parent must be readable
   * there). Idempotent as a publish is: the record key is a TID derived from the reply's key and the plan's time,
   * the plan is saved before sending, so lookup(key) finds the reply and a retry collides instead of duplicating.
   */
  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const key = request.idempotencyKey;
    const saved = await this.context.state.get<PublishPlan>(PLAN + key);
    if (saved?.result) {
      return toResult(saved.result);
    }
    const text = request.text.trim();
    const excess = describeExcess(measureText(text, TEXT_LIMITS), TEXT_LIMITS);
    if (!text || excess) {
      throw new PermanentError(
        text
          ? `the reply is ${excess} (a Bluesky post holds 300 characters and 3,000 bytes): shorten it`
          : 'the reply is empty',
      );
    }
    const target = parseRecordUri(item.remoteId);
    if (!target || target.collection !== POST_COLLECTION) {
      throw new PermanentError(`"${item.remoteId}" is not the at:// address of a Bluesky post`);
    }
    const { did, handle } = await this.mapped('signing in', () => this.xrpc.identity('replying to a post'));
    const parent = await this.getRecord<PostRecord>(
      target.repo,
      POST_COLLECTION,
      target.rkey,
      'reading the post replied to',
    );
    if (!parent) {
      throw new PermanentError(`the post replied to (${item.remoteId}) is not on Bluesky any more`);
    }
    const parentRef = { uri: parent.uri, cid: parent.cid };
    const createdAt = saved?.createdAt ?? this.context.clock.now().toISOString();
    const plan: PublishPlan = saved ?? {
      did,
      handle,
      createdAt,
      parts: [{ rkey: recordKey(key, new Date(createdAt)), text }],
    };
    await this.context.state.set(PLAN + key, plan);
    const record: PostRecord = {
      $type: POST_COLLECTION,
      text,
      createdAt,
      reply: { root: parent.value.reply?.root ?? parentRef, parent: parentRef },
    };
    const facets = buildFacets(text, await this.resolveMentions(detectMentions(text)));
    if (facets.length > 0) {
      record.facets = facets;
    }
    return this.finish(key, plan, await this.create(plan, plan.parts[0].rkey, record));
  }

  /**
   * Puts the profile record (`app.bsky.actor.profile/self`) with the desired display name, description and website,
   * everything else in it kept, guarded by `swapRecord` (a profile changed meanwhile refuses the write rather than
   * being overwritten). A Bluesky profile holds one website: further links must already be in the bio.
   */
  async updateProfile(desired: DesiredProfile): Promise<ProfileSnapshot> {
    const { did } = await this.mapped('signing in', () => this.xrpc.identity('updating the profile'));
    const stored = await this.getRecord<ProfileRecord>(
      did,
      PROFILE_COLLECTION,
      'self',
      'reading the profile',
    );
    const record: ProfileRecord & { $type: string } = { ...stored?.value, $type: PROFILE_COLLECTION };
    if (desired.displayName !== undefined) {
      record.displayName = desired.displayName;
    }
    if (desired.bio !== undefined) {
      record.description = desired.bio;
    }
    if (desired.links !== undefined) {
      const [website, ...others] = desired.links;
      const missing = others.filter((link) => !(record.description ?? '').includes(link));
      if (missing.length > 0) {
        throw refusedByPlatform(
          undefined,
          `a Bluesky profile holds one website; ${missing.join(', ')} must be in the bio: add them to the declared bio, or declare one link`,
        );
      }
      if (website) {
        record.website = website;
      } else {
        delete record.website;
      }
    }
    await this.mapped('updating the profile', () =>
      this.xrpc.call(
        {
          kind: 'procedure',
          nsid: 'com.atproto.repo.putRecord',
          body: {
            repo: did,
            collection: PROFILE_COLLECTION,
            rkey: 'self',
            record,
            swapRecord: stored?.cid ?? null,
            validate: true,
          },
        },
        'updating the profile',
      ),
    );
    return this.getProfile();
  }

  /** The post's text as its parts: one, or a thread when the post asks for one with `extra.thread: true`. */
  private partsOf(request: PublishRequest): string[] {
    const unknown = Object.keys(request.extra).filter((name) => !EXTRA_KEYS.has(name));
    if (unknown.length > 0) {
      this.context.logger.warn('ignoring per-post settings the bluesky connector does not know', { unknown });
    }
    const thread = request.extra.thread ?? false;
    if (typeof thread !== 'boolean') {
      throw new PermanentError('extra.thread must be true or false');
    }
    const text = request.text.trim();
    if (!text && request.media.length === 0) {
      throw new PermanentError('the post has neither text nor images');
    }
    // The import check measured the same way; this is the last guard before sending.
    const excess = describeExcess(measureText(text, TEXT_LIMITS), TEXT_LIMITS);
    if (!excess || !thread) {
      if (excess) {
        throw new PermanentError(
          `the text is ${excess} (a Bluesky post holds 300 characters and 3,000 bytes): shorten it, or set extra.thread: true to publish it as a thread`,
        );
      }
      return [text];
    }
    const parts = splitThread(text);
    if (parts.length > MAX_THREAD_PARTS) {
      throw new PermanentError(
        `the text makes ${parts.length} thread parts; at most ${MAX_THREAD_PARTS} are published`,
      );
    }
    return parts;
  }

  /** createRecord under the planned key; when that fails, the record that may already be there is checked first. */
  private async create(plan: PublishPlan, rkey: string, record: PostRecord): Promise<StrongRef> {
    const what = 'publishing a post';
    try {
      const created = await this.xrpc.call<StrongRef>(
        {
          kind: 'procedure',
          nsid: 'com.atproto.repo.createRecord',
          body: { repo: plan.did, collection: POST_COLLECTION, rkey, record, validate: true },
        },
        what,
      );
      // The answer also carries the commit: a reference to the record is its uri and cid alone.
      return { uri: created.uri, cid: created.cid };
    } catch (error) {
      if (error instanceof NoAnswerError) {
        if (!error.mayHaveArrived) {
          throw error;
        }
        throw new OutcomeUnknownError(
          `${error.message}. The post may have been published: reconcile with lookup() before publishing again`,
          { cause: error },
        );
      }
      if (!(error instanceof XrpcError) || error.status === 401 || error.status === 429) {
        throw error instanceof XrpcError ? this.xrpc.sdkError(error, what) : error;
      }
      // A record under this key answers a second create with an error (a PDS says 500, others 400): look.
      const there = await this.getRecord<PostRecord>(plan.did, POST_COLLECTION, rkey, what);
      if (!there) {
        throw this.xrpc.sdkError(error, what);
      }
      if (!isPlanned(there.value, record.text)) {
        throw new PermanentError(
          `Bluesky (${this.xrpc.account}) already has a different post under record key ${rkey} (${there.uri}); two posts scheduled for the same millisecond drew the same key. Move this post's time by a millisecond`,
        );
      }
      this.context.logger.info('the post was already on Bluesky (an earlier attempt); taking it', {
        uri: there.uri,
      });
      return { uri: there.uri, cid: there.cid };
    }
  }

  /** Each planned part that is on the PDS with the planned text, or undefined where it is not. */
  private async existingParts(plan: PublishPlan): Promise<Array<StrongRef | undefined>> {
    const found: Array<StrongRef | undefined> = [];
    for (const part of plan.parts) {
      const there = await this.getRecord<PostRecord>(
        plan.did,
        POST_COLLECTION,
        part.rkey,
        'looking up a post',
      );
      found.push(there && isPlanned(there.value, part.text) ? { uri: there.uri, cid: there.cid } : undefined);
    }
    return found;
  }

  private async getRecord<T>(
    repo: string,
    collection: string,
    rkey: string,
    what: string,
  ): Promise<StoredRecord<T> | undefined> {
    try {
      return await this.xrpc.call<StoredRecord<T>>(
        { kind: 'query', nsid: 'com.atproto.repo.getRecord', params: { repo, collection, rkey } },
        what,
      );
    } catch (error) {
      if (error instanceof XrpcError && error.error === 'RecordNotFound') {
        return undefined;
      }
      throw error instanceof XrpcError ? this.xrpc.sdkError(error, what) : error;
    }
  }

  /** Handles to DIDs (com.atproto.identity.resolveHandle); a handle that does not resolve stays plain text. */
  private async resolveMentions(
    mentions: DetectedMention[],
  ): Promise<Array<DetectedMention & { did: string }>> {
    const resolved: Array<DetectedMention & { did: string }> = [];
    for (const mention of mentions) {
      try {
        const { did } = await this.xrpc.call<{ did: string }>(
          { kind: 'query', nsid: 'com.atproto.identity.resolveHandle', params: { handle: mention.handle } },
          'resolving a mention',
        );
        resolved.push({ ...mention, did });
      } catch (error) {
        // resolveHandle answers 400 for a handle it cannot resolve; anything else is a real failure.
        if (!(error instanceof XrpcError) || error.status !== 400) {
          throw error instanceof XrpcError ? this.xrpc.sdkError(error, 'resolving a mention') : error;
        }
        this.context.logger.warn('a mentioned handle does not resolve; it stays plain text', {
          handle: mention.handle,
        });
      }
    }
    return resolved;
  }

  private async upload(images: LoadedImage[]): Promise<Array<{ image: BlobRef; alt: string }>> {
    const embedded: Array<{ image: BlobRef; alt: string }> = [];
    for (const image of images) {
      const { blob } = await this.mapped('uploading an image', () =>
        this.xrpc.call<{ blob: BlobRef }>(
          {
            kind: 'procedure',
            nsid: 'com.atproto.repo.uploadBlob',
            bytes: { data: image.bytes, contentType: image.mimeType },
            timeoutMs: UPLOAD_TIMEOUT_MS,
          },
          'uploading an image',
        ),
      );
      embedded.push({ image: blob, alt: image.alt });
    }
    return embedded;
  }

  private async finish(key: string, plan: PublishPlan, root: StrongRef): Promise<PublishResult> {
    const result = {
      remoteId: root.uri,
      url: postUrl(plan.handle, plan.parts[0].rkey),
      publishedAt: plan.createdAt,
    };
    await this.context.state.set(PLAN + key, { ...plan, result });
    return toResult(result);
  }

  /** Runs a call whose failure only needs translating into the SDK's errors (nothing to reconcile). */
  private async mapped<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw error instanceof XrpcError ? this.xrpc.sdkError(error, what) : error;
    }
  }
}

/**
 * A record under a planned key is this post's part when its text is the one planned. (The creation time is not
 * compared: an attempt whose plan was lost, like a retry after the channel's state was reset, plans a new one.)
 */
function isPlanned(record: Partial<PostRecord>, text: string): boolean {
  return record.text === text;
}

function toResult(result: NonNullable<PublishPlan['result']>): PublishResult {
  return { remoteId: result.remoteId, url: result.url, publishedAt: new Date(result.publishedAt) };
}
