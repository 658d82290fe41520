import type { DataSource } from 'typeorm';
import { FakeClock } from '../../src/clock/fake.clock';
import type { LoadedConfig } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { metronomeConfigSchema } from '../../src/config/schema/metronome-config.schema';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { WebLinkService } from '../../src/web/session/web-link.service';
import { WebSessionService } from '../../src/web/session/web-session.service';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

const HOUR = 3_600_000;

/**
 * The web app's sessions and one-time links on the database itself: SQLite here, PostgreSQL in the service
 * suites (METRONOME_TEST_DATABASE_URL), where a lost race is the unique violation 23505.
 */
describe('web sessions and one-time links in the database', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const clock = new FakeClock('2030-01-07T09:00:00Z');
  let sessions: WebSessionService;
  let links: WebLinkService;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    const config = metronomeConfigSchema.parse({
      organisation: { name: 'Agency' },
      people: { maya: { name: 'Maya' }, theo: { name: 'Theo' } },
      brands: {},
      web: { sessionIdle: '2h', sessionLifetime: '1d' },
    });
    const service = new ConfigService({ config } as unknown as LoadedConfig, '/dev/null');
    const transactions = new TransactionContext(dataSource);
    sessions = new WebSessionService(transactions, service, clock);
    links = new WebLinkService(transactions, clock);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.dispose();
  });

  it('a session lives while used, ends after the idle limit, and at its absolute end however active', async () => {
    const { token } = await sessions.start('maya', 'link', 'jest');
    clock.advance(HOUR + 59 * 60_000);
    expect((await sessions.resolve(token))?.person).toBe('maya');
    clock.advance(HOUR + 59 * 60_000);
    expect((await sessions.resolve(token))?.person).toBe('maya');
    clock.advance(2 * HOUR);
    expect(await sessions.resolve(token)).toBeNull();

    const busy = await sessions.start('maya', 'link', 'jest');
    for (let hour = 0; hour < 23; hour++) {
      clock.advance(HOUR);
      expect(await sessions.resolve(busy.token)).not.toBeNull();
    }
    clock.advance(HOUR);
    expect(await sessions.resolve(busy.token)).toBeNull();
  });

  it('signing in again ends the session it replaces; signing out everywhere ends them all', async () => {
    const first = await sessions.start('theo', 'link', undefined);
    const second = await sessions.start('theo', 'oidc', undefined, first.session.tokenHash);
    expect(await sessions.resolve(first.token)).toBeNull();
    expect(await sessions.resolve(second.token)).not.toBeNull();
    await sessions.start('theo', 'link', undefined);
    expect(await sessions.endAllOf('theo')).toBe(2);
    expect(await sessions.resolve(second.token)).toBeNull();
  });

  it('a one-time link is claimed once, even by two callers at the same moment', async () => {
    const token = await links.issue({ person: 'maya', purpose: 'sign-in', lifetimeMs: HOUR });
    const outcomes = await Promise.all([links.claim(token, 'sign-in'), links.claim(token, 'sign-in')]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['ok', 'used']);
    expect((await links.claim(token, 'approve')).outcome).toBe('unknown');
    const late = await links.issue({ person: 'maya', purpose: 'sign-in', lifetimeMs: HOUR });
    clock.advance(HOUR);
    expect((await links.claim(late, 'sign-in')).outcome).toBe('expired');
  });

  it('a form key is recorded once; the same person and subject again is a duplicate, anything else a conflict', async () => {
    const use = { person: 'maya', purpose: 'inbox-reply', subject: 'item-1', lifetimeMs: HOUR };
    const key = 'k'.repeat(43);
    const both = await Promise.all([links.record(key, use), links.record(key, use)]);
    expect(both.sort()).toEqual(['duplicate', 'recorded']);
    expect(await links.record(key, { ...use, subject: 'item-2' })).toBe('conflict');
    expect(await links.record(key, { ...use, person: 'theo' })).toBe('conflict');
  });
});
