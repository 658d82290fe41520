import { Logger } from '@nestjs/common';
import type { ConfigService } from '../config/config.service';
import type { PostStateService } from '../content/post-state.service';
import type { TransactionalEvents } from '../events/transactional-events';
import type { AuditEventInput, AuditRepository } from '../persistence/audit.repository';
import type { ChannelEntity } from '../channels/channel.entity';
import type { PostVariantEntity } from './post-variant.entity';
import type { PostEntity, PublishState } from '../content/post.entity';
import { PermanentError } from '../plugin-sdk';
import type { ChannelCredentials } from '../channels/channel-credentials';
import type { ConnectorInstances } from '../channels/connector-instances';
import type { PostVariantRepository, VariantChanges } from './post-variant.repository';
import { PublishFailureHandler } from './publish-failure.handler';
import type { RateLimitWaits } from './rate-limit-waits';
import { MAX_PUBLISH_ATTEMPTS } from './retry-schedule';
import { VariantSettler } from './variant-settler.service';
import { VariantStateService } from './variant-state.service';

/** The rows PostVariantRepository would hold, in memory: the conditional move is the part that matters here. */
class InMemoryPostVariants {
  readonly rows = new Map<string, PostVariantEntity>();
  readonly posts = new Map<string, PostEntity>();

  move(
    variantId: string,
    move: { from: PublishState; to: PublishState; at: Date; unchangedSince?: Date },
    changes: VariantChanges,
  ): Promise<boolean> {
    const row = this.rows.get(variantId);
    if (
      !row ||
      row.state !== move.from ||
      (move.unchangedSince && row.updatedAt.getTime() !== move.unchangedSince.getTime())
    ) {
      return Promise.resolve(false);
    }
    Object.assign(row, changes, { state: move.to, updatedAt: move.at });
    return Promise.resolve(true);
  }

  ofPost(postId: string): Promise<PostVariantEntity[]> {
    return Promise.resolve(
      [...this.rows.values()].filter((row) => row.postId === postId).map((row) => ({ ...row })),
    );
  }

  post(postId: string): Promise<PostEntity> {
    const post = this.posts.get(postId);
    return post ? Promise.resolve(post) : Promise.reject(new Error(`no post ${postId}`));
  }
}

const NOW = new Date('2026-12-01T09:00:00Z');
const channel = {
  id: 'ch',
  brandId: 'acme',
  key: 'bsky',
  connector: 'sandbox',
  credentialsVersion: 1,
} as ChannelEntity;

function setup() {
  const repository = new InMemoryPostVariants();
  const audit: AuditEventInput[] = [];
  const postMoves: Array<{ postId: string; to: PublishState; reason?: string }> = [];
  const config = {
    loaded: { config: { brands: {}, publishing: { missedGrace: '15m' } } },
  } as unknown as ConfigService;
  const events = { run: <T>(work: () => Promise<T>) => work() } as unknown as TransactionalEvents;
  const posts = {
    transition: (post: PostEntity, to: PublishState, options: { reason?: string }) => {
      postMoves.push({ postId: post.id, to, reason: options.reason });
      post.state = to;
      return Promise.resolve(true);
    },
  } as unknown as PostStateService;
  const states = new VariantStateService(
    repository as unknown as PostVariantRepository,
    { append: (event: AuditEventInput) => Promise.resolve(audit.push(event)) } as unknown as AuditRepository,
  );
  const settler = new VariantSettler(
    config,
    events,
    states,
    repository as unknown as PostVariantRepository,
    posts,
  );
  // A plain error or a permanent one never reaches the connectors, the credentials or the channel waits.
  const handler = new PublishFailureHandler(
    settler,
    {} as ConnectorInstances,
    {} as ChannelCredentials,
    {} as RateLimitWaits,
  );
  /** A variant claimed for its `attempts`-th attempt, the only channel of its post. */
  const claimed = (attempts: number): PostVariantEntity => {
    const row = {
      id: `v${attempts}`,
      postId: `p${attempts}`,
      state: 'publishing',
      attempts,
      lastError: null,
      scheduledAt: NOW,
      updatedAt: NOW,
    } as PostVariantEntity;
    repository.rows.set(row.id, row);
    repository.posts.set(row.postId, { id: row.postId, state: 'publishing', publishAt: NOW } as PostEntity);
    return { ...row };
  };
  return { repository, audit, postMoves, handler, claimed };
}

describe('PublishFailureHandler: retry or give up', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn']);
  });

  it('schedules a failed attempt again after a backoff while attempts are left, and leaves the post publishing', async () => {
    const { repository, audit, postMoves, handler, claimed } = setup();
    const variant = claimed(2);
    expect(await handler.handle(variant, channel, new Error('503 Service Unavailable'), NOW)).toBe('retry');
    const row = repository.rows.get(variant.id)!;
    expect(row.state).toBe('scheduled');
    // Attempt 2 backs off between 30 s and 60 s (full jitter).
    const waited = row.scheduledAt!.getTime() - NOW.getTime();
    expect(waited).toBeGreaterThanOrEqual(30_000);
    expect(waited).toBeLessThanOrEqual(60_000);
    expect(row.attempts).toBe(2);
    expect(row.lastError).toBe(`503 Service Unavailable (attempt 2; next ${row.scheduledAt!.toISOString()})`);
    expect(audit).toMatchObject([{ subjectId: variant.id, data: { from: 'publishing', to: 'scheduled' } }]);
    expect(postMoves).toEqual([]);
  });

  it('gives up after the last attempt: the variant fails with why, and so does its post', async () => {
    const { repository, postMoves, handler, claimed } = setup();
    const variant = claimed(MAX_PUBLISH_ATTEMPTS);
    expect(await handler.handle(variant, channel, new Error('503 Service Unavailable'), NOW)).toBe('failed');
    const reason = `gave up after ${MAX_PUBLISH_ATTEMPTS} attempts: 503 Service Unavailable`;
    expect(repository.rows.get(variant.id)).toMatchObject({ state: 'failed', lastError: reason });
    expect(postMoves).toEqual([{ postId: variant.postId, to: 'failed', reason: `failed: ${reason}` }]);
  });

  it('fails a permanent error at once, whatever attempts are left', async () => {
    const { repository, postMoves, handler, claimed } = setup();
    const variant = claimed(1);
    expect(await handler.handle(variant, channel, new PermanentError('422 text too long'), NOW)).toBe(
      'failed',
    );
    expect(repository.rows.get(variant.id)).toMatchObject({
      state: 'failed',
      lastError: '422 text too long',
    });
    expect(postMoves).toMatchObject([{ to: 'failed' }]);
  });

  it('changes nothing when another worker moved the variant first', async () => {
    const { repository, audit, postMoves, handler, claimed } = setup();
    const variant = claimed(MAX_PUBLISH_ATTEMPTS);
    repository.rows.get(variant.id)!.state = 'published';
    await handler.handle(variant, channel, new Error('503 Service Unavailable'), NOW);
    expect(repository.rows.get(variant.id)).toMatchObject({ state: 'published', lastError: null });
    expect(audit).toEqual([]);
    expect(postMoves).toEqual([]);
  });
});
