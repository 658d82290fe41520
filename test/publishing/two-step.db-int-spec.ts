import type { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PostEntity } from '../../src/content/post.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { FinishingVariantRepository } from '../../src/publishing/finishing-variant.repository';
import { MAX_FINISHING_MS } from '../../src/publishing/finishing-schedule';
import type { VariantPublisher } from '../../src/publishing/variant-publisher.service';
import { rateLimited, type Connector } from '../../src/plugin-sdk';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createPublisherFixture, type PublisherFixture } from './publisher-fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: Europe/Paris
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      reels: { connector: sandbox, options: { handle: reels, twoStep: { checks: 3 } } }
      stories: { connector: sandbox, options: { handle: stories, idempotency: ignore, twoStep: { checks: 2 } } }
      lossy: { connector: sandbox, options: { handle: lossy, idempotency: ignore, twoStep: { checks: 1 }, faults: { mode: timeout-after-send, times: 1 } } }
`;

const FILES: Record<string, string> = {
  'flow.md': 'reels',
  'refused.md': 'reels',
  'no-status.md': 'reels',
  'errors.md': 'reels',
  'again.md': 'reels',
  'restart.md': 'stories',
  'hung.md': 'stories',
  'lost.md': 'lossy',
};

/** The connector's calls, in order: which call, with which key or handle. */
type Call = { call: 'publish' | 'lookup' | 'status'; arg: string };

/**
 * Issue 14, two-step publishing ("accepted, finishing"): real database, the sandbox connector in its two-step
 * mode (the post is visible after N status calls), the publisher driven step by step at chosen instants.
 */
describe('two-step publishing (real database, sandbox connector in two-step mode)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: PublisherFixture;
  let calls: Call[];
  let tweak: (real: Connector) => Connector;
  const T = new Date('2026-12-01T09:00:00Z');
  const at = (ms: number) => new Date(T.getTime() + ms);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    fixture = await createPublisherFixture(dataSource, CONFIG);
    const get = fixture.connectors.get.bind(fixture.connectors);
    jest.spyOn(fixture.connectors, 'get').mockImplementation(async (...args) => {
      const instance = await get(...args);
      return { ...instance, connector: counted(tweak(instance.connector)) };
    });
    for (const [name, channel] of Object.entries(FILES)) {
      fixture.ws.write(
        name,
        post(`title: ${name}\ncampaign: launch\nchannels: [${channel}]\npublish: 2026-12-01 10:00`),
      );
    }
    await fixture.services.planSync.syncBrand(fixture.ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  beforeEach(() => {
    calls = [];
    tweak = (real) => real;
  });

  afterAll(async () => {
    await database.dispose();
  });

  function counted(connector: Connector): Connector {
    return {
      ...connector,
      publish: async (request) => {
        calls.push({ call: 'publish', arg: request.idempotencyKey });
        return connector.publish!(request);
      },
      lookup: async (key) => {
        calls.push({ call: 'lookup', arg: key });
        return connector.lookup!(key);
      },
      ...(connector.status
        ? {
            status: async (handle: string) => {
              calls.push({ call: 'status', arg: handle });
              return connector.status!(handle);
            },
          }
        : { status: undefined }),
    };
  }

  const variantOf = (file: string) => fixture.variantOf(file, FILES[file]);
  const dueItem = async (publisher: VariantPublisher, file: string, now: Date) => {
    const { id } = await variantOf(file);
    const item = (await publisher.due(now, 50)).find((due) => due.variant.id === id);
    expect(item).toBeDefined();
    return item!;
  };
  const step = async <T>(now: Date, work: () => Promise<T>): Promise<T> => {
    fixture.clock.now = now;
    return work();
  };
  const stateOn = async (channel: string, prefix: 'post:' | 'container:') =>
    new PluginStateRepository(dataSource).list('sandbox', `acme/${channel}`, prefix);
  const movesOf = async (variantId: string) =>
    (
      await dataSource
        .getRepository(AuditEventEntity)
        .find({ where: { subjectId: variantId, action: 'variant.state_changed' }, order: { id: 'ASC' } })
    ).map((row) => row.data);
  const postOf = (variant: PostVariantEntity) =>
    dataSource.getRepository(PostEntity).findOneByOrFail({ id: variant.postId });

  it('records an accepted publish as finishing, asks status until published, then records it as a one-step publish', async () => {
    const publisher = fixture.newPublisher();
    const item = await dueItem(publisher, 'flow.md', at(1000));

    expect(await step(at(1000), () => publisher.publish(item, at(1000)))).toBe('finishing');
    let variant = await variantOf('flow.md');
    expect(variant).toMatchObject({
      state: 'finishing',
      remoteId: null,
      acceptedAt: at(1000),
      nextCheckAt: at(2000), // the sandbox's checkAfterMs
    });
    expect(variant.remoteHandle).toMatch(/^c-/);
    expect((await postOf(variant)).state).toBe('publishing');
    // Not due yet: nobody asks.
    expect(await step(at(1500), () => publisher.checkFinishing(at(1500)))).toBe(0);

    expect(await step(at(2000), () => publisher.checkFinishing(at(2000)))).toBe(1);
    expect(await variantOf('flow.md')).toMatchObject({ state: 'finishing', nextCheckAt: at(3000) });
    expect(await step(at(3000), () => publisher.checkFinishing(at(3000)))).toBe(1);
    expect(await step(at(4000), () => publisher.checkFinishing(at(4000)))).toBe(1);

    variant = await variantOf('flow.md');
    const [onNetwork] = (await stateOn('reels', 'post:')).filter(
      (row) => (row.value as { idempotencyKey: string }).idempotencyKey === variant.idempotencyKey,
    );
    expect(variant).toMatchObject({
      state: 'published',
      remoteId: (onNetwork.value as { remoteId: string }).remoteId,
      remoteUrl: `https://sandbox.invalid/reels/${(onNetwork.value as { remoteId: string }).remoteId}`,
      attempts: 1,
      lastError: null,
    });
    expect((await postOf(variant)).state).toBe('published');
    expect(await movesOf(variant.id)).toEqual([
      expect.objectContaining({ from: 'scheduled', to: 'publishing' }),
      expect.objectContaining({
        from: 'publishing',
        to: 'finishing',
        reason: 'accepted by sandbox, finishing',
      }),
      expect.objectContaining({ from: 'finishing', to: 'published', reason: 'finished by sandbox' }),
    ]);
    expect(calls.map((call) => call.call)).toEqual(['publish', 'status', 'status', 'status']);
    expect(
      calls.filter((call) => call.call === 'status').every((call) => call.arg === variant.remoteHandle),
    ).toBe(true);
  });

  it("fails a variant whose status answers failed, with the platform's reason, and fails its post", async () => {
    tweak = (real) => ({
      ...real,
      status: async () => ({ status: 'failed', reason: 'the video codec is not supported' }),
    });
    const publisher = fixture.newPublisher();
    const item = await dueItem(publisher, 'refused.md', at(1000));
    expect(await step(at(1000), () => publisher.publish(item, at(1000)))).toBe('finishing');
    expect(await step(at(2000), () => publisher.checkFinishing(at(2000)))).toBe(1);

    const variant = await variantOf('refused.md');
    // The platform's own word: the handle is dead, so a fixed and rescheduled post is published anew.
    expect(variant).toMatchObject({ state: 'failed', remoteHandle: null });
    expect(variant.lastError).toMatch(
      /^sandbox could not finish the post \(handle "c-[0-9a-f]+"\): the video codec is not supported$/,
    );
    const parent = await postOf(variant);
    expect(parent.state).toBe('failed');
    expect(parent.stateReason).toContain('the video codec is not supported');
  });

  it('fails, naming the plugin, an accepted answer from a connector that has no status to ask', async () => {
    tweak = (real) => ({ ...real, status: undefined });
    const publisher = fixture.newPublisher();
    const item = await dueItem(publisher, 'no-status.md', at(1000));
    expect(await step(at(1000), () => publisher.publish(item, at(1000)))).toBe('failed');
    const variant = await variantOf('no-status.md');
    expect(variant).toMatchObject({ state: 'failed', remoteHandle: null });
    expect(variant.lastError).toMatch(
      /^connector "sandbox" answered publish with "accepted, finishing" but has no status\(handle\) to ask where the post stands/,
    );
  });

  it('after a restart, a finishing variant is only asked about (the dead worker’s check lease ends first), never published again', async () => {
    const first = fixture.newPublisher();
    const item = await dueItem(first, 'restart.md', at(1000));
    expect(await step(at(1000), () => first.publish(item, at(1000)))).toBe('finishing');
    const { id, idempotencyKey } = await variantOf('restart.md');
    // The first worker claims the check at 09:00:02 and dies while asking.
    const leaseUntil = at(2000 + 120_000);
    const claimed = await new FinishingVariantRepository(new TransactionContext(dataSource)).claim(
      [id],
      at(2000),
      leaseUntil,
    );
    expect(claimed).toEqual(new Set([id]));

    const second = fixture.newPublisher();
    // Within the dead worker's lease nobody asks; a reconcile of stale claims leaves a finishing variant alone.
    expect(await step(at(60_000), () => second.checkFinishing(at(60_000)))).toBe(0);
    await step(at(300_000), () => second.reconcileStale(at(300_000)));
    expect((await variantOf('restart.md')).state).toBe('finishing');
    expect(await step(leaseUntil, () => second.checkFinishing(leaseUntil))).toBe(1);
    const again = new Date(leaseUntil.getTime() + 60_000);
    expect(await step(again, () => second.checkFinishing(again))).toBe(1);

    expect((await variantOf('restart.md')).state).toBe('published');
    expect(calls.map((call) => call.call)).toEqual(['publish', 'status', 'status']);
    const posts = (await stateOn('stories', 'post:')).filter(
      (row) => (row.value as { idempotencyKey: string }).idempotencyKey === idempotencyKey,
    );
    expect(posts).toHaveLength(1);
  });

  it('a worker that died between the platform’s accept and recording it: the reconcile finds the container by lookup and never creates a second', async () => {
    const dead = fixture.newPublisher();
    const item = await dueItem(dead, 'hung.md', at(1000));
    // The platform creates the container, then the worker dies before the answer is recorded.
    tweak = (real) => ({
      ...real,
      publish: async (request) => {
        await real.publish!(request);
        return new Promise<never>(() => undefined);
      },
    });
    expect(await dead.claimAhead([item], at(1000))).toHaveLength(1);
    void step(at(1000), () => dead.sendClaimed(item, at(1000)));
    await new Promise((resolve) => setImmediate(resolve));
    const { idempotencyKey } = await variantOf('hung.md');
    await waitUntil(async () => (await containersFor('stories', idempotencyKey)).length === 1);

    tweak = (real) => real;
    const restarted = fixture.newPublisher();
    await step(at(300_000), () => restarted.reconcileStale(at(300_000)));
    const variant = await variantOf('hung.md');
    expect(variant.state).toBe('finishing');
    expect(await movesOf(variant.id)).toContainEqual(
      expect.objectContaining({
        from: 'publishing',
        to: 'finishing',
        reason: 'found accepted on the platform after an unknown outcome by sandbox, finishing',
      }),
    );
    for (const ms of [302_000, 304_000]) {
      await step(at(ms), () => restarted.checkFinishing(at(ms)));
    }

    expect((await variantOf('hung.md')).state).toBe('published');
    expect(await containersFor('stories', idempotencyKey)).toHaveLength(1);
    expect(calls.filter((call) => call.call === 'publish')).toHaveLength(1);
  });

  it('an unknown outcome after the accept (a timeout) is looked up, found accepted, and finished without a second container', async () => {
    const publisher = fixture.newPublisher();
    const item = await dueItem(publisher, 'lost.md', at(1000));
    expect(await step(at(1000), () => publisher.publish(item, at(1000)))).toBe('finishing');
    expect(await step(at(2000), () => publisher.checkFinishing(at(2000)))).toBe(1);

    const variant = await variantOf('lost.md');
    expect(variant.state).toBe('published');
    expect(calls.map((call) => call.call)).toEqual(['publish', 'lookup', 'status']);
    expect(await containersFor('lossy', variant.idempotencyKey)).toHaveLength(1);
  });

  it('maps failed status questions: a 429 makes the channel wait, an error asks again with backoff (not an attempt), and a day of finishing gives up', async () => {
    const publisher = fixture.newPublisher();
    const item = await dueItem(publisher, 'errors.md', at(1000));
    expect(await step(at(1000), () => publisher.publish(item, at(1000)))).toBe('finishing');

    tweak = (real) => ({
      ...real,
      status: async () => Promise.reject(rateLimited('429 Too Many Requests', at(62_000))),
    });
    await step(at(2000), () => publisher.checkFinishing(at(2000)));
    let variant = await variantOf('errors.md');
    expect(variant.state).toBe('finishing');
    expect(variant.nextCheckAt!.getTime()).toBeGreaterThanOrEqual(at(62_000).getTime());
    expect(variant.lastError).toMatch(/^429 Too Many Requests \(asking again at /);

    tweak = (real) => ({ ...real, status: async () => Promise.reject(new Error('socket hang up')) });
    const later = variant.nextCheckAt!;
    await step(later, () => publisher.checkFinishing(later));
    variant = await variantOf('errors.md');
    expect(variant).toMatchObject({ state: 'finishing', attempts: 1 });
    expect(variant.lastError).toMatch(/^socket hang up \(asking again at /);
    // Half the time since the accept (backoff), after the question.
    expect(variant.nextCheckAt).toEqual(
      new Date(later.getTime() + Math.round((later.getTime() - at(1000).getTime()) / 2)),
    );

    tweak = (real) => ({ ...real, status: async () => ({ status: 'finishing' }) });
    const dayLater = at(1000 + MAX_FINISHING_MS);
    await dataSource.getRepository(PostVariantEntity).update({ id: variant.id }, { nextCheckAt: dayLater });
    await step(dayLater, () => publisher.checkFinishing(dayLater));
    variant = await variantOf('errors.md');
    // Given up without the platform's word: the handle is kept, so a reschedule asks about it again.
    expect(variant).toMatchObject({ state: 'failed', remoteHandle: expect.stringMatching(/^c-/) });
    expect(variant.lastError).toMatch(
      /^gave up after 1d finishing: sandbox accepted the post at 2026-12-01T09:00:01.000Z \(handle "c-[0-9a-f]+"\) and never reported it published; it may still appear on acme\/reels: check there/,
    );
  });

  it('a variant that holds a handle and is sent again (rescheduled after giving up) is asked about, never published again', async () => {
    const publisher = fixture.newPublisher();
    const { id } = await variantOf('again.md');
    // As after giving up on a finishing post and a person rescheduling it: scheduled, with the handle kept.
    await dataSource.getRepository(PostVariantEntity).update({ id }, { remoteHandle: 'c-kept-handle' });
    const item = await dueItem(publisher, 'again.md', at(1000));
    expect(await step(at(1000), () => publisher.publish(item, at(1000)))).toBe('finishing');
    expect(await variantOf('again.md')).toMatchObject({
      state: 'finishing',
      remoteHandle: 'c-kept-handle',
      nextCheckAt: at(1000),
      attempts: 0,
    });
    await step(at(1000), () => publisher.checkFinishing(at(1000)));
    expect(calls).toEqual([{ call: 'status', arg: 'c-kept-handle' }]);
    // The sandbox never gave out that handle: it answers failed, and the variant fails with its reason.
    expect((await variantOf('again.md')).lastError).toContain(
      'no container c-kept-handle on the sandbox network',
    );
  });

  async function containersFor(channel: string, idempotencyKey: string) {
    return (await stateOn(channel, 'container:')).filter(
      (row) => (row.value as { idempotencyKey: string }).idempotencyKey === idempotencyKey,
    );
  }

  /** Polls a database condition the hung worker's send brings about (no timed assertion: it is awaited, not timed). */
  async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
    while (!(await condition())) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
});
