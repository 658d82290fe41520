import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { openDataSource, runMigrations } from '../../src/persistence/data-source.factory';
import { parseDatabaseUrl } from '../../src/persistence/database-url';
import { DEFAULT_PUBLISH_LOOP, InlinePublishDispatch } from '../../src/publishing/inline-publish.dispatch';
import { createChaosDatabase, type ChaosDatabase } from './chaos-database';
import { within } from './chaos-worker.process';
import { captureLogs, createPublisherFixture } from './publisher-fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: UTC
    owner: maya
    content: { folder: content }
    channels:
      healthy: { connector: sandbox, options: { handle: healthy } }
`;

const describePostgres = process.env.METRONOME_TEST_DATABASE_URL?.startsWith('postgres')
  ? describe
  : describe.skip;

/**
 * Issue 11 (log noise): a Postgres outage used to log "publish round failed" four times a second. Now the publish
 * loop keeps trying quietly: one line when the database goes, one when it is back. The outage is real: the
 * test's database refuses new connections and every open one is terminated (pg_terminate_backend).
 */
describePostgres('database outage in the server log (real Postgres, the inline publish loop)', () => {
  let dir: string;
  let database: ChaosDatabase;
  let admin: DataSource;
  let dataSource: DataSource;
  let name: string;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'metronome-outage-'));
    database = await createChaosDatabase('postgres', dir);
    name = new URL(database.url).pathname.slice(1);
    dataSource = await database.open();
    await runMigrations(dataSource);
    admin = await openDataSource(parseDatabaseUrl(process.env.METRONOME_TEST_DATABASE_URL));
  });

  afterAll(async () => {
    logs?.restore();
    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.destroy();
    await database.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs one "database is down" line with the cause and one "back after" line, whatever the rounds', async () => {
    const fixture = await createPublisherFixture(dataSource, CONFIG);
    const publisher = fixture.newPublisher();
    // Counts the loop's rounds (each asks for due variants once), answered or not.
    let rounds = 0;
    let answered = 0;
    const due = publisher.due.bind(publisher);
    publisher.due = async (until, limit) => {
      rounds++;
      const found = await due(until, limit);
      answered++;
      return found;
    };
    const dispatch = new InlinePublishDispatch(publisher, SYSTEM_CLOCK);
    logs = captureLogs();
    let stopping = false;
    const loop = dispatch.run({ ...DEFAULT_PUBLISH_LOOP, idleMs: 20 }, undefined, () => stopping);
    const text = () => logs.lines().map((line) => String(line.msg));
    const waitFor = async (what: string, done: () => boolean) => {
      await within(
        (async () => {
          while (!done()) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })(),
        20_000,
        what,
        `the captured log:\n${text().slice(-10).join('\n')}`,
      );
    };
    await waitFor('rounds answered', () => answered > 2);

    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    await waitFor('the down line', () => text().some((line) => line.startsWith('database is down')));
    const during = rounds;
    await waitFor('many failing rounds', () => rounds > during + 30);
    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    await waitFor('the back line', () => text().some((line) => line.startsWith('database is back after')));
    stopping = true;
    await loop;

    const outageLines = text().filter((line) => /database is|publish round failed/.test(line));
    expect(outageLines).toHaveLength(2);
    expect(outageLines[0]).toMatch(/^database is down: .*(terminat|not allow connections|Connection)/i);
    expect(outageLines[1]).toMatch(/^database is back after \d+\.\d s$/);
    expect(logs.lines().filter((line) => line.level === 50)).toEqual([]);
  });
});
