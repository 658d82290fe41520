import type { DataSource } from 'typeorm';
import type { Connector } from '../../src/plugin-sdk';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createPublisherFixture, type PublisherFixture } from './publisher-fixture';
import { InlinePublishDispatch } from '../../src/publishing/inline-publish.dispatch';

/** A connector that sends, then answers the same remote id whatever the key. */
function constantRemoteId(remoteId: string): (real: Connector) => Connector {
  return (real) => ({
    ...real,
    publish: async (request) => {
      await real.publish!(request);
      return { remoteId, url: `https://listener.example/${remoteId}` };
    },
  });
}

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
      social: { connector: sandbox, options: { handle: acme } }
`;

/**
 * Issue 14 ("results are validated at the boundary"): a connector that answers publish or lookup with something
 * that is not a result fails the post with a reason naming the plugin; it is never recorded as published.
 */
describe('a connector answer that is not a result (real database, sandbox connector with a broken answer)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: PublisherFixture;
  let answer: (real: Connector) => Connector;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    fixture = await createPublisherFixture(dataSource, CONFIG);
    const get = fixture.connectors.get.bind(fixture.connectors);
    jest.spyOn(fixture.connectors, 'get').mockImplementation(async (...args) => {
      const instance = await get(...args);
      return { ...instance, connector: answer(instance.connector) };
    });
    for (const name of ['no-id', 'lookup', 'first', 'second', 'batch-1', 'batch-2', 'batch-3']) {
      fixture.ws.write(
        `${name}.md`,
        post(`title: ${name}\ncampaign: launch\nchannels: [social]\npublish: 2026-12-01 10:00`),
      );
    }
    await fixture.services.planSync.syncBrand(fixture.ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('fails a publish answered without a remoteId, naming the plugin, instead of recording it published', async () => {
    // What a connector written as `publish(post, key)` and returning its own fields looks like from the core.
    answer = (real) => ({
      ...real,
      publish: async (request) => {
        await real.publish!(request);
        return { id: 'posts/undefined' } as never;
      },
    });
    const publisher = fixture.newPublisher();
    const at = new Date('2026-12-01T09:00:01Z');
    const { id } = await fixture.variantOf('no-id.md', 'social');
    const item = (await publisher.due(at, 10)).find((due) => due.variant.id === id);
    expect(item).toBeDefined();

    expect(await publisher.publish(item!, at)).toBe('failed');
    const variant = await fixture.variantOf('no-id.md', 'social');
    expect(variant.state).toBe('failed');
    expect(variant.remoteId).toBeNull();
    expect(variant.lastError).toMatch(
      /^connector "sandbox" answered publish with no remoteId \(got none\): a bug in the connector plugin, not a refusal by the platform; the post may already be on the platform/,
    );
  });

  it('fails a variant whose lookup (after a lost answer) returns a broken result, rather than retrying or recording it', async () => {
    answer = (real) => ({
      ...real,
      lookup: async () => ({ remoteId: '' }),
    });
    const publisher = fixture.newPublisher();
    const variant = await fixture.variantOf('lookup.md', 'social');
    const due = (await publisher.due(new Date('2026-12-01T09:00:01Z'), 10)).find(
      (item) => item.variant.id === variant.id,
    );
    expect(due).toBeDefined();
    // The worker that claimed it stopped before the outcome was known: reconciled by lookup.
    expect(await publisher.claimAhead([due!], new Date('2026-12-01T09:00:01Z'))).toHaveLength(1);
    await publisher.reconcileStale(new Date('2026-12-01T09:10:00Z'), 60_000);

    const after = await fixture.variantOf('lookup.md', 'social');
    expect(after.state).toBe('failed');
    expect(after.lastError).toMatch(/^connector "sandbox" answered lookup with no remoteId \(got ""\)/);
  });

  it('fails a publish answered with the remote id another post already holds (a connector ignoring the key), and leaves the first post as it was', async () => {
    // The reproduced case: a connector that posts to …/posts/<undefined key> is answered with the first post's id.
    answer = constantRemoteId('posts/undefined');
    const publisher = fixture.newPublisher();
    const at = new Date('2026-12-01T09:00:01Z');
    const first = await fixture.variantOf('first.md', 'social');
    const second = await fixture.variantOf('second.md', 'social');
    const due = await publisher.due(at, 10);
    expect(
      await publisher.publish(
        due.find((item) => item.variant.id === first.id)!,
        at,
      ),
    ).toBe('published');
    expect(
      await publisher.publish(
        due.find((item) => item.variant.id === second.id)!,
        at,
      ),
    ).toBe('failed');

    expect(await fixture.variantOf('first.md', 'social')).toMatchObject({
      state: 'published',
      remoteId: 'posts/undefined',
    });
    const after = await fixture.variantOf('second.md', 'social');
    expect(after).toMatchObject({ state: 'failed', remoteId: null });
    expect(after.lastError).toMatch(
      new RegExp(
        `^connector "sandbox" answered publish with remote id "posts/undefined", which post ${first.postId} already holds: the connector ignores the idempotency key`,
      ),
    );
  });

  it('checks a recorded batch once: a remote id held by another post, or repeated in the batch, fails those variants and records the rest', async () => {
    // batch-1 answers a fresh id; batch-2 the id first.md holds; batch-3 the same fresh id as batch-1.
    const ids: Record<string, string> = {};
    answer = (real) => ({
      ...real,
      publish: async (request) => {
        await real.publish!(request);
        const remoteId = ids[request.idempotencyKey];
        return { remoteId, url: `https://listener.example/${remoteId}` };
      },
    });
    const variants = await Promise.all(
      ['batch-1.md', 'batch-2.md', 'batch-3.md'].map((file) => fixture.variantOf(file, 'social')),
    );
    [ids[variants[0].idempotencyKey], ids[variants[1].idempotencyKey], ids[variants[2].idempotencyKey]] = [
      'posts/fresh',
      'posts/undefined',
      'posts/fresh',
    ];
    const publisher = fixture.newPublisher();
    const at = new Date('2026-12-01T09:00:02Z');
    // Claimed ahead and sent through the held sends, which record the publishes in one batch.
    await new InlinePublishDispatch(publisher, { now: () => at }).drain(at);

    const [one, two, three] = await Promise.all(
      ['batch-1.md', 'batch-2.md', 'batch-3.md'].map((file) => fixture.variantOf(file, 'social')),
    );
    expect(one).toMatchObject({ state: 'published', remoteId: 'posts/fresh' });
    expect(two).toMatchObject({ state: 'failed', remoteId: null });
    expect(two.lastError).toMatch(
      new RegExp(
        `^connector "sandbox" answered publish with remote id "posts/undefined", which post ${(await fixture.variantOf('first.md', 'social')).postId} already holds`,
      ),
    );
    expect(three).toMatchObject({ state: 'failed', remoteId: null });
    expect(three.lastError).toContain(`remote id "posts/fresh", which post ${one.postId} already holds`);
  });
});
