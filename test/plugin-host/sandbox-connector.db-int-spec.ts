import type { DataSource } from 'typeorm';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import type { OneStepConnector, ConnectorPlugin, PluginClock } from '../../src/plugin-sdk';
import sandbox from '../../plugins/sandbox';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** The sandbox connector through the real plugin context: its network lives in plugin_state rows. */
describe('sandbox connector', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let now = new Date('2026-11-02T09:00:00Z');
  const clock: PluginClock = { now: () => now };

  async function connect(handle = 'demo-coffee'): Promise<OneStepConnector> {
    const context = new PluginContextFactory(new PluginStateRepository(dataSource)).create(
      'sandbox',
      `demo/${handle}`,
      clock,
    );
    return (await (sandbox as ConnectorPlugin<{ handle: string }>).create(context, {
      handle,
    })) as OneStepConnector;
  }

  const request = (key: string) => ({
    idempotencyKey: key,
    text: `Post ${key}`,
    media: [],
    scheduledAt: now,
    extra: {},
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('publishes once per idempotency key, and a retry returns the first result', async () => {
    const connector = await connect();
    const first = await connector.publish!(request('post-1/sandbox'));
    now = new Date(now.getTime() + 60_000);
    const retry = await connector.publish!(request('post-1/sandbox'));
    expect(retry).toEqual(first);
    expect(first.url).toBe(`https://sandbox.invalid/demo-coffee/${first.remoteId}`);
    expect(await connector.lookup!('post-1/sandbox')).toEqual(first);
    expect(await connector.lookup!('never-sent')).toBeUndefined();
  });

  it('keeps its network in the database: a new instance (a restarted worker) sees earlier posts', async () => {
    await (
      await connect()
    ).publish!(request('post-2/sandbox'));
    const restarted = await connect();
    expect(await restarted.lookup!('post-2/sandbox')).toBeDefined();
    const rows = await dataSource.query<Array<{ n: number | string }>>(
      `SELECT COUNT(*) AS n FROM plugin_state WHERE plugin = 'sandbox' AND scope = 'demo/demo-coffee'`,
    );
    expect(Number(rows[0].n)).toBe(2);
  });

  it('produces the same comments and metrics every time, and only comments that have arrived', async () => {
    const connector = await connect();
    now = new Date('2026-11-02T12:00:00Z');
    const inbox = await connector.fetchInbox!(undefined);
    expect(inbox.every((item) => item.receivedAt <= now)).toBe(true);
    expect(await (await connect()).fetchInbox!(undefined)).toEqual(inbox);
    const since = inbox.length > 0 ? inbox[0].receivedAt : undefined;
    expect((await connector.fetchInbox!(since)).length).toBe(Math.max(0, inbox.length - 1));
    const metrics = await connector.fetchMetrics!('2026-11-02');
    expect(metrics.posts).toHaveLength(2);
    expect(metrics.followers).toBeGreaterThan(0);
    expect(await connector.fetchMetrics!('2026-11-02')).toEqual(metrics);
    expect(metrics.impressions).toBe(metrics.posts!.reduce((sum, p) => sum + (p.impressions ?? 0), 0));
  });

  it('keeps channels apart', async () => {
    const other = await connect('other-brand');
    expect(await other.lookup!('post-1/sandbox')).toBeUndefined();
  });
});
