import { join } from 'node:path';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices, type ContentServices } from '../content/content-services.fixture';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { InlinePublishDispatch } from '../../src/publishing/inline-publish.dispatch';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { IncidentService } from '../../src/escalations/incident.service';
import { incidentService } from '../escalations/incident-service.fixture';
import type { RateBudget } from '../../src/publishing/rate-budget';
import type { VariantPublisher } from '../../src/publishing/variant-publisher.service';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { buildVariantPublisher, variantStatesOn } from './variant-publisher.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { ReadingClock } from '../fakes/reading.clock';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: UTC
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      healthy: { connector: sandbox, options: { handle: healthy } }
      limited: { connector: sandbox, options: { handle: limited, faults: { mode: rate-limit, times: 1, retryAfterSeconds: 60 } } }
      broken: { connector: sandbox, options: { handle: broken, faults: { mode: server-error, times: 0 } } }
      locked: { connector: sandbox, options: { handle: locked, faults: { mode: auth, times: 0 } } }
      lossy: { connector: sandbox, options: { handle: lossy, faults: { mode: timeout-after-send, times: 1 } } }
      budgeted: { connector: sandbox, options: { handle: budgeted }, publishing: { concurrency: 1, perMinute: 1 } }
      rounded: { connector: sandbox, options: { handle: rounded, faults: { mode: rate-limit, times: 1, retryAfterSeconds: 0 } } }
      throttled: { connector: sandbox, options: { handle: throttled, faults: { budget: { posts: 2, windowSeconds: 60 } } } }
      paced: { connector: sandbox, options: { handle: paced }, publishing: { perMinute: 5 } }
`;

/**
 * How a driver gets due variants published at a given instant: the inline dispatch's claim-ahead round, or
 * Bull's dispatcher round plus the processors on the real Redis, waited for until the queue is empty.
 */
export interface PublishingDriver {
  readonly name: string;
  /** A rate budget shared by the driver's workers (the inline one keeps it in memory). */
  budget?: RateBudget;
  start(env: {
    publisher: VariantPublisher;
    dataSource: DataSource;
    lease: ClusterLease;
    clock: () => Date;
  }): void;
  runAt(at: Date): Promise<void>;
  stop(): Promise<void>;
}

export function inlineDriver(): PublishingDriver {
  let dispatch: InlinePublishDispatch;
  return {
    name: 'inline',
    start({ publisher, clock }) {
      dispatch = new InlinePublishDispatch(publisher, { now: clock });
    },
    runAt: (at) => dispatch.drain(at),
    stop: async () => undefined,
  };
}

export function publishingSuite(driverFactory: () => PublishingDriver): void {
  describe(`publishing (sandbox connector with injected faults, real database, ${driverFactory().name} driver)`, () => {
    const driver = driverFactory();
    let database: TestDatabase;
    let dataSource: DataSource;
    let ws: ContentWorkspace;
    let services: ContentServices;
    let publisher: VariantPublisher;
    let incidents: IncidentService;
    let credentials: ChannelCredentials;
    let clock = new Date('2026-12-01T08:00:00Z');
    const T = new Date('2026-12-01T09:00:00Z');

    const variantOn = async (channel: string, postId: string) => {
      const row = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: channel });
      return dataSource.getRepository(PostVariantEntity).findOneByOrFail({ channelId: row.id, postId });
    };
    const postsOnNetwork = async (handle: string) =>
      (await new PluginStateRepository(dataSource).list('sandbox', `acme/${handle}`, 'post:')).length;
    const runAt = async (at: Date) => {
      clock = at;
      await driver.runAt(at);
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      dataSource = await database.openMigrated();
      ws = await createContentWorkspace(dataSource, CONFIG);
      services = await createContentServices(dataSource);
      const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
      incidents = incidentService(dataSource);
      const channels = new ChannelRepository(new TransactionContext(dataSource));
      credentials = new ChannelCredentials(channels, new AuditRepository(dataSource), config, incidents);
      const connectors = connectorInstancesOn(dataSource, config, new ReadingClock(() => clock), channels);
      publisher = buildVariantPublisher({
        dataSource,
        config,
        connectors,
        content: services,
        budget: driver.budget,
        credentials,
      });
      driver.start({
        publisher,
        dataSource,
        lease: new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
        clock: () => clock,
      });
      ws.write('launch.md', post('title: Launch\ncampaign: launch\npublish: 2026-12-01 09:00'));
      ws.write(
        'late.md',
        post(
          'title: Was due during an outage\ncampaign: launch\nchannels: [healthy]\npublish: 2026-12-01 07:00',
        ),
      );
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    });

    afterAll(async () => {
      await driver.stop();
      await database.dispose();
    });

    it('publishes nothing before it is due', async () => {
      expect((await publisher.due(new Date('2026-12-01T06:59:00Z'), 100)).length).toBe(0);
    });

    it('publishes each channel independently and handles each platform fault as it should', async () => {
      const launch = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'launch.md' });
      expect(launch.state).toBe('scheduled'); // no approval chain: approved and scheduled at import
      await runAt(new Date(T.getTime() + 2_000));

      const healthy = await variantOn('healthy', launch.id);
      expect(healthy).toMatchObject({ state: 'published', attempts: 1, lastError: null });
      expect(healthy.remoteUrl).toMatch(/^https:\/\/sandbox\.invalid\/healthy\//);

      // Timed out after sending: reconciled by lookup, not sent twice.
      expect(await variantOn('lossy', launch.id)).toMatchObject({ state: 'published', attempts: 1 });
      expect(await postsOnNetwork('lossy')).toBe(1);

      // 401: the channel needs a person (one incident to the owner); its post waits, scheduled, with words to act on.
      const locked = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: 'locked' });
      expect(locked.status).toBe('needs_reconnect');
      expect(await variantOn('locked', launch.id)).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect((await variantOn('locked', launch.id)).lastError).toMatch(
        /waits for acme\/locked to be reconnected: sandbox refused its credentials .*metronome channels reconnect acme\/locked/,
      );
      const audit = await dataSource.query<Array<{ action: string }>>(
        `SELECT "action" FROM "audit_events" WHERE "subject_type" = 'channel' AND "subject_id" = '${locked.id}'`,
      );
      expect(audit.map((row) => row.action)).toEqual(['channel.needs_reconnect']);
      const [incident] = await incidents.list({ brand: 'acme' });
      expect(incident).toMatchObject({
        rule: 'channel-credentials',
        subjectKey: `channel:${locked.id}`,
        state: 'open',
      });

      // 429: back to scheduled after the platform's retry time plus a margin; the wait is not an attempt.
      const limited = await variantOn('limited', launch.id);
      expect(limited).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect(limited.scheduledAt!.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-01T09:01:03Z'));
      expect(limited.scheduledAt!.getTime()).toBeLessThanOrEqual(Date.parse('2026-12-01T09:01:04Z'));
      expect(await postsOnNetwork('limited')).toBe(0);

      await runAt(new Date('2026-12-01T09:01:05Z'));
      expect(await variantOn('limited', launch.id)).toMatchObject({ state: 'published', attempts: 1 });

      // 503 every time: retried with backoff, then failed after the last attempt.
      for (let i = 0; i < 6; i++) {
        await runAt(new Date(clock.getTime() + 60 * 60_000));
      }
      const broken = await variantOn('broken', launch.id);
      expect(broken).toMatchObject({ state: 'failed', attempts: 5 });
      expect(broken.lastError).toBe('gave up after 5 attempts: sandbox: 503 Service Unavailable');

      // The locked channel's variant waited through all of this without being sent again; the post with it.
      expect(await variantOn('locked', launch.id)).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect((await dataSource.getRepository(PostEntity).findOneByOrFail({ id: launch.id })).state).toBe(
        'publishing',
      );
      // Credentials renewed, channel reconnected (incident resolved): six hours late, beyond the grace
      // window, the post on it is missed rather than sent.
      expect(await credentials.reconnect('acme', 'locked', 'maya', clock)).toEqual({ waiting: 1 });
      expect((await incidents.list({ brand: 'acme', state: 'resolved' })).map((i) => i.rule)).toContain(
        'channel-credentials',
      );
      await runAt(new Date(clock.getTime() + 1000));
      expect(await variantOn('locked', launch.id)).toMatchObject({ state: 'missed' });

      const settled = await dataSource.getRepository(PostEntity).findOneByOrFail({ id: launch.id });
      expect(settled.state).toBe('failed');
      expect(settled.stateReason).toContain('failed: gave up after 5 attempts');
      expect(settled.stateReason).toContain(
        'missed: was due 2026-12-01 09:00 UTC and no attempt was made within the 15m grace: acme/locked was waiting to be reconnected',
      );
      expect(await postsOnNetwork('healthy')).toBe(1);
    });

    it('marks a post due during downtime, beyond the grace window, as missed', async () => {
      const late = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'late.md' });
      expect(late.state).toBe('missed');
      expect(late.stateReason).toMatch(
        /was due 2026-12-01 07:00 UTC and no attempt was made within the 15m grace: no worker claimed it in time/,
      );
    });

    it('lets exactly one of two racing workers publish a variant', async () => {
      ws.write(
        'race.md',
        post('title: Race\ncampaign: launch\nchannels: [healthy]\npublish: 2026-12-02 09:00'),
      );
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
      const at = new Date('2026-12-02T09:00:01Z');
      clock = at;
      const [first] = await publisher.due(at, 10);
      const [second] = await publisher.due(at, 10);
      const outcomes = await Promise.all([publisher.publish(first, at), publisher.publish(second, at)]);
      expect(outcomes.sort()).toEqual(['lost-race', 'published']);
      expect(await postsOnNetwork('healthy')).toBe(2);
    });

    it("makes a variant over its channel's rate budget wait for the next slot, neither failed nor missed", async () => {
      for (const name of ['first', 'second']) {
        ws.write(
          `budget-${name}.md`,
          post(`title: Budget ${name}\ncampaign: launch\nchannels: [budgeted]\npublish: 2026-12-03 09:00`),
        );
      }
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
      const before = await postsOnNetwork('budgeted'); // the launch post went there too
      const due = new Date('2026-12-03T09:00:00Z');
      await runAt(new Date(due.getTime() + 1000));
      const variants = await Promise.all(
        ['budget-first.md', 'budget-second.md'].map(async (sourcePath) => {
          const row = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath });
          return variantOn('budgeted', row.id);
        }),
      );
      expect(variants.map((v) => v.state).sort()).toEqual(['published', 'scheduled']);
      const waiting = variants.find((v) => v.state === 'scheduled') as PostVariantEntity;
      expect(waiting).toMatchObject({ attempts: 0, lastError: null });
      // One per minute: the next slot is about a minute after the first send.
      expect(waiting.scheduledAt!.getTime() - due.getTime()).toBeGreaterThan(50_000);
      expect(waiting.scheduledAt!.getTime() - due.getTime()).toBeLessThanOrEqual(61_000);
      expect(await postsOnNetwork('budgeted')).toBe(before + 1);

      // Its new time is what counts: published then, not missed for having been due at 09:00.
      await runAt(new Date(waiting.scheduledAt!.getTime() + 100));
      expect(await variantOn('budgeted', waiting.postId)).toMatchObject({ state: 'published', attempts: 1 });
      expect(await postsOnNetwork('budgeted')).toBe(before + 2);
    });

    const writePosts = async (prefix: string, channel: string, count: number, at: string) => {
      for (let i = 0; i < count; i++) {
        ws.write(
          `${prefix}-${i}.md`,
          post(`title: ${prefix} ${i}\ncampaign: launch\nchannels: [${channel}]\npublish: ${at}`),
        );
      }
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
      const rows = await dataSource
        .getRepository(PostEntity)
        .createQueryBuilder('post')
        .where('post.source_path LIKE :prefix', { prefix: `${prefix}-%` })
        .getMany();
      return Promise.all(rows.map((row) => variantOn(channel, row.id)));
    };
    const refresh = (variants: PostVariantEntity[]) =>
      Promise.all(
        variants.map((v) => dataSource.getRepository(PostVariantEntity).findOneByOrFail({ id: v.id })),
      );
    const sandboxState = async (handle: string, key: string) => {
      const value = await new PluginStateRepository(dataSource).get('sandbox', `acme/${handle}`, key);
      return Number(value ?? 0);
    };

    it('waits past a reset rounded down to now by 1 s plus jitter, and does not count the wait as an attempt', async () => {
      const [variant] = await writePosts('rounded', 'rounded', 1, '2026-12-06 09:00');
      const at = new Date('2026-12-06T09:00:01Z');
      await runAt(at);
      const waiting = await variantOn('rounded', variant.postId);
      expect(waiting).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect(waiting.scheduledAt!.getTime()).toBeGreaterThanOrEqual(at.getTime() + 1000);
      expect(waiting.scheduledAt!.getTime()).toBeLessThanOrEqual(at.getTime() + 2000);
      expect(waiting.lastError).toMatch(
        /^Sandbox rate limit on acme\/rounded: waits until 2026-12-06T09:00:0[23]/,
      );
      await runAt(waiting.scheduledAt!);
      expect(await variantOn('rounded', variant.postId)).toMatchObject({ state: 'published', attempts: 1 });
    });

    it('makes every post of a channel wait out its 429, spread apart, and publishes them all, none failed', async () => {
      const variants = await writePosts('burst', 'throttled', 30, '2026-12-07 09:00');
      expect(variants).toHaveLength(30);
      await runAt(new Date('2026-12-07T09:00:01Z'));
      let rows = await refresh(variants);
      // Two fit the window; the first 429 blocks the channel, and the posts not yet sent never hammer the
      // platform: only sends already in flight are refused too (the drain sends one at a time, Bull's lanes up to
      // the channel's concurrency of 16).
      const inFlight = driver.name === 'inline' ? 1 : 16;
      expect(rows.filter((v) => v.state === 'published')).toHaveLength(2);
      expect(await sandboxState('throttled', 'budget:refused')).toBeLessThanOrEqual(inFlight);
      const waiting = rows.filter((v) => v.state === 'scheduled');
      expect(waiting).toHaveLength(28);
      const reset = Date.parse('2026-12-07T09:01:01Z'); // the window's end, as the 429 said
      for (const v of waiting) {
        expect(v.attempts).toBe(0);
        expect(v.scheduledAt!.getTime()).toBeGreaterThanOrEqual(reset + 1000);
        expect(v.lastError).toMatch(/^Sandbox rate limit on acme\/throttled: waits until /);
      }
      expect(new Set(waiting.map((v) => v.scheduledAt!.getTime())).size).toBe(28);

      for (let round = 0; round < 40 && rows.some((v) => v.state !== 'published'); round++) {
        const latest = Math.max(
          ...rows.filter((v) => v.state === 'scheduled').map((v) => v.scheduledAt!.getTime()),
        );
        await runAt(new Date(latest));
        rows = await refresh(variants);
        expect(rows.filter((v) => v.state === 'failed')).toEqual([]);
      }
      expect(rows.map((v) => v.state)).toEqual(Array(30).fill('published'));
      expect(await postsOnNetwork('throttled')).toBe(30 + 1); // and the launch post
      // 15 windows of 2: at most the sends in flight are refused per window, not every waiting post.
      expect(await sandboxState('throttled', 'budget:refused')).toBeLessThanOrEqual(15 * inFlight);
    });

    it('books perMinute slots: 50 posts due at once are each moved at most once', async () => {
      const variants = await writePosts('paced', 'paced', 50, '2026-12-08 09:00');
      await runAt(new Date('2026-12-08T09:00:01Z'));
      let rows = await refresh(variants);
      for (let round = 0; round < 60 && rows.some((v) => v.state !== 'published'); round++) {
        const next = Math.min(
          ...rows.filter((v) => v.state === 'scheduled').map((v) => v.scheduledAt!.getTime()),
        );
        await runAt(new Date(next));
        rows = await refresh(variants);
      }
      expect(rows.map((v) => v.state)).toEqual(Array(50).fill('published'));
      const moves = await dataSource
        .getRepository(AuditEventEntity)
        .createQueryBuilder('audit')
        .where('audit.subject_id IN (:...ids)', { ids: variants.map((v) => v.id) })
        .andWhere("audit.action = 'variant.state_changed'")
        .getMany();
      const budgetMoves = moves.filter(
        (row) => typeof row.data.reason === 'string' && row.data.reason.startsWith('over the rate budget'),
      );
      const perVariant = new Map<string, number>();
      for (const row of budgetMoves) {
        perVariant.set(row.subjectId, (perVariant.get(row.subjectId) ?? 0) + 1);
      }
      expect(budgetMoves.length).toBeLessThanOrEqual(50);
      expect(Math.max(...perVariant.values())).toBe(1);
    });

    it('loses nothing when a worker dies holding variants it claimed ahead: reconciled, then published', async () => {
      ws.write(
        'held.md',
        post('title: Held\ncampaign: launch\nchannels: [healthy]\npublish: 2026-12-04 09:00'),
      );
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
      const held = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'held.md' });
      const before = await postsOnNetwork('healthy');
      const at = new Date('2026-12-04T08:59:57Z');
      clock = at;
      const ahead = (await publisher.due(new Date(at.getTime() + 5000), 100)).filter(
        (item) => item.variant.postId === held.id,
      );
      expect(await publisher.claimAhead(ahead, at)).toHaveLength(1);
      // The worker dies here, before the variant's time: nothing was sent.
      expect(await variantOn('healthy', held.id)).toMatchObject({ state: 'publishing', attempts: 1 });

      const later = new Date(at.getTime() + publisher.reclaimAfterMs() + 1000);
      clock = later;
      expect(await publisher.reconcileStale(later)).toBe(1);
      const retry = await variantOn('healthy', held.id);
      // Not found, and its worker died: due again at once, not after a backoff, and not counted as an attempt.
      expect(retry).toMatchObject({ state: 'scheduled', attempts: 0 });
      expect(retry.scheduledAt).toEqual(later);
      expect(retry.lastError).toMatch(/worker stopped before the outcome was known/);
      expect(await postsOnNetwork('healthy')).toBe(before);

      await runAt(new Date(retry.scheduledAt!.getTime() + 1000));
      expect(await variantOn('healthy', held.id)).toMatchObject({ state: 'published', attempts: 1 });
      expect(await postsOnNetwork('healthy')).toBe(before + 1);
    });

    it('never lets a reconcile reset a claim its worker renewed after the reconcile looked at it', async () => {
      ws.write(
        'renewed.md',
        post('title: Renewed\ncampaign: launch\nchannels: [healthy]\npublish: 2026-12-05 09:00'),
      );
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
      const renewed = await dataSource
        .getRepository(PostEntity)
        .findOneByOrFail({ sourcePath: 'renewed.md' });
      const at = new Date('2026-12-05T08:59:58Z');
      clock = at;
      const [item] = (await publisher.due(new Date(at.getTime() + 5000), 100)).filter(
        (candidate) => candidate.variant.postId === renewed.id,
      );
      expect(await publisher.claimAhead([item], at)).toHaveLength(1);
      // What a reconcile elsewhere read when the claim looked abandoned...
      const seenByReconcile = await variantOn('healthy', renewed.id);
      // ...then the live worker renews its claim before sending.
      const states = variantStatesOn(dataSource);
      const renewedAt = new Date(at.getTime() + publisher.reclaimAfterMs());
      expect(await states.refreshClaim(item.variant, renewedAt)).toBe(true);
      // The reconcile's "not found, retry" must not go through: the claim is no longer the one it judged.
      const reset = await new TransactionContext(dataSource).run(() =>
        states.move(
          seenByReconcile,
          'scheduled',
          {},
          {
            actor: 'test',
            at: renewedAt,
            unchangedSince: seenByReconcile.updatedAt,
          },
        ),
      );
      expect(reset).toBe(false);
      expect(await variantOn('healthy', renewed.id)).toMatchObject({ state: 'publishing' });
      // And a worker whose claim was taken over does not send.
      expect(await states.refreshClaim(seenByReconcile, renewedAt)).toBe(false);
    });
  });
}
