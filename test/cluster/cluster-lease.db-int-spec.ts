import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** Two replicas, each with its own connection to one database (SQLite file, or Postgres on the service run). */
describe('cluster lease', () => {
  let database: TestDatabase;
  let first: ClusterLease;
  let second: ClusterLease;
  const ttlMs = 60_000;
  const t0 = new Date('2026-12-01T09:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  beforeAll(async () => {
    database = await createTestDatabase();
    first = new ClusterLease(await database.openMigrated());
    second = new ClusterLease(await database.open());
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('runs the work in exactly one of two replicas ticking at the same moment', async () => {
    const runs: string[] = [];
    const tick = (lease: ClusterLease, who: string) =>
      lease.runExclusive(
        'rules-tick',
        async () => {
          runs.push(who);
          return who;
        },
        { ttlMs, now: at(0) },
      );
    const outcomes = await Promise.all([tick(first, 'first'), tick(second, 'second')]);
    expect(runs).toHaveLength(1);
    const loser = outcomes.find((outcome) => !outcome.ran);
    expect(loser).toEqual({ ran: false, holder: runs[0] === 'first' ? first.holder : second.holder });
  });

  it('keeps the lease with its holder on later ticks, and lets the other take over once it expired', async () => {
    const holder = (await first.holderOf('rules-tick', at(1))) === first.holder ? first : second;
    const other = holder === first ? second : first;
    const ran: ClusterLease[] = [];
    for (const seconds of [30, 59]) {
      for (const lease of [other, holder]) {
        const run = await lease.runExclusive('rules-tick', async () => ran.push(lease), {
          ttlMs,
          now: at(seconds),
        });
        expect(run.ran).toBe(lease === holder);
      }
    }
    // The holder dies after its renewal at 59 s: the lease lasts until 119 s, then the other replica runs.
    expect(await other.acquire('rules-tick', { ttlMs, now: at(118) })).toBe(false);
    expect(await other.acquire('rules-tick', { ttlMs, now: at(120) })).toBe(true);
    expect(await holder.acquire('rules-tick', { ttlMs, now: at(121) })).toBe(false);
    expect(await holder.holderOf('rules-tick', at(121))).toBe(other.holder);
    expect(ran).toEqual([holder, holder]);
  });

  it('hands a released lease over at once, and only the holder can release it', async () => {
    expect(await first.acquire('plan-sync', { ttlMs, now: at(0) })).toBe(true);
    await second.release('plan-sync');
    expect(await second.acquire('plan-sync', { ttlMs, now: at(1) })).toBe(false);
    await first.beforeApplicationShutdown();
    expect(await first.holderOf('plan-sync', at(1))).toBeUndefined();
    expect(await second.acquire('plan-sync', { ttlMs, now: at(1) })).toBe(true);
  });

  it('keeps separate names independent', async () => {
    expect(await first.acquire('report-schedule', { ttlMs, now: at(0) })).toBe(true);
    expect(await second.acquire('publish-dispatch', { ttlMs, now: at(0) })).toBe(true);
  });

  it("keeps a live holder's lease between runs with its heartbeat, and loses a dead one's within the heartbeat TTL", async () => {
    const live = new ClusterLease(await database.open());
    const other = new ClusterLease(await database.open());
    // Beats every 50 ms; each beat extends the lease by the 100 ms its run asked for (never more than 300 ms).
    live.startHeartbeat(50, 300);
    expect(await live.acquire('inbox-poll', { ttlMs: 100 })).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await other.acquire('inbox-poll', { ttlMs: 100 })).toBe(false);
    // It dies: no release, no more beats. Within the heartbeat TTL the lease is free.
    live.stopHeartbeat();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await other.acquire('inbox-poll', { ttlMs: 100 })).toBe(true);
  });
});
