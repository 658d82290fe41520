import { SYSTEM_CLOCK, type Clock } from '../../src/clock/clock';
import { FakeClock } from '../../src/clock/fake.clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** Two replicas, each with its own connection to one database (SQLite file, or Postgres on the service run). */
describe('cluster lease', () => {
  let database: TestDatabase;
  let first: ClusterLease;
  let second: ClusterLease;
  const ttlMs = 60_000;
  const t0 = new Date('2026-12-01T09:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  /** Both replicas read this clock; a test moves it to the instant each step happens at. */
  const clock = new FakeClock(t0);
  const time = (seconds: number) => clock.set(at(seconds));
  const replica = (dataSource: DataSource, replicaClock: Clock = clock) =>
    new ClusterLease(new ClusterLeaseRepository(dataSource), replicaClock);

  beforeAll(async () => {
    database = await createTestDatabase();
    first = replica(await database.openMigrated());
    second = replica(await database.open());
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
        { ttlMs },
      );
    time(0);
    const outcomes = await Promise.all([tick(first, 'first'), tick(second, 'second')]);
    expect(runs).toHaveLength(1);
    const loser = outcomes.find((outcome) => !outcome.ran);
    expect(loser).toEqual({ ran: false, holder: runs[0] === 'first' ? first.holder : second.holder });
  });

  it('keeps the lease with its holder on later ticks, and lets the other take over once it expired', async () => {
    time(1);
    const holder = (await first.holderOf('rules-tick')) === first.holder ? first : second;
    const other = holder === first ? second : first;
    const ran: ClusterLease[] = [];
    for (const seconds of [30, 59]) {
      time(seconds);
      for (const lease of [other, holder]) {
        const run = await lease.runExclusive('rules-tick', async () => ran.push(lease), { ttlMs });
        expect(run.ran).toBe(lease === holder);
      }
    }
    // The holder dies after its renewal at 59 s: the lease lasts until 119 s, then the other replica runs.
    time(118);
    expect(await other.acquire('rules-tick', { ttlMs })).toBe(false);
    time(120);
    expect(await other.acquire('rules-tick', { ttlMs })).toBe(true);
    time(121);
    expect(await holder.acquire('rules-tick', { ttlMs })).toBe(false);
    expect(await holder.holderOf('rules-tick')).toBe(other.holder);
    expect(ran).toEqual([holder, holder]);
  });

  it('hands a released lease over at once, and only the holder can release it', async () => {
    time(0);
    expect(await first.acquire('plan-sync', { ttlMs })).toBe(true);
    await second.release('plan-sync');
    time(1);
    expect(await second.acquire('plan-sync', { ttlMs })).toBe(false);
    await first.beforeApplicationShutdown();
    expect(await first.holderOf('plan-sync')).toBeUndefined();
    expect(await second.acquire('plan-sync', { ttlMs })).toBe(true);
  });

  it('keeps separate names independent', async () => {
    time(0);
    expect(await first.acquire('report-schedule', { ttlMs })).toBe(true);
    expect(await second.acquire('publish-dispatch', { ttlMs })).toBe(true);
  });

  it("keeps a live holder's lease between runs with its heartbeat, and loses a dead one's within the heartbeat TTL", async () => {
    // Heartbeats run on timers: this test runs in real time.
    const live = replica(await database.open(), SYSTEM_CLOCK);
    const other = replica(await database.open(), SYSTEM_CLOCK);
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
