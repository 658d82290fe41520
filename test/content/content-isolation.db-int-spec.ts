import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { formatConfigIssue } from '../../src/config/config-issue';
import { PostEntity } from '../../src/content/post.entity';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createContentWorkspace, post, type ContentWorkspace } from './content-workspace';

/** Two brands with their own content folders: what goes wrong in one file or brand stays there. */
const YAML = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      social: { connector: sandbox, options: { handle: acme } }
  beta:
    name: Beta Tea
    timezone: Europe/London
    owner: maya
    content: { folder: beta }
    channels:
      social: { connector: sandbox, options: { handle: beta } }
`;

const ALIAS_BOMB = [
  'title: Bomb',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
].join('\n');

describe('plan sync: one bad file or brand never stops the others', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  const now = new Date('2026-11-30T08:00:00Z');
  const postByFile = (brandId: string, file: string) =>
    dataSource.getRepository(PostEntity).findOneBy({ brandId, sourcePath: file });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, YAML, (dir) => mkdirSync(join(dir, 'beta')));
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('a YAML alias bomb is a content error on its file; the rest of its brand and the next brand sync', async () => {
    ws.write('bomb.md', post(ALIAS_BOMB));
    ws.write('ok.md', post('title: Fine\npublish: 2026-12-04 09:15'));
    ws.write('../beta/tea.md', post('title: Tea\npublish: 2026-12-04 09:15'));
    const reports = await ws.sync.syncAll(ws.loaded, now);
    expect(reports.map((report) => [report.brand, report.created])).toEqual([
      ['acme', ['ok.md']],
      ['beta', ['tea.md']],
    ]);
    expect(reports[0].issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(
        /bomb\.md:4:8  \(root\)  front matter: its YAML aliases \(\*name\) expand more than 50 times, which a post never needs: write the values out$/,
      ),
    ]);
  });

  it('an impossible date is a content error on the field; the other brand still imports its new file', async () => {
    ws.write('bad-date.md', post('title: Bad date\npublish: 2026-12-32 09:00'));
    ws.write('../beta/later.md', post('title: Later\npublish: 2026-12-05 09:15'));
    const reports = await ws.sync.syncAll(ws.loaded, now);
    expect(reports[0].issues.map(formatConfigIssue)).toContainEqual(
      expect.stringMatching(
        /bad-date\.md:3:10  publish  "2026-12-32 09:00" is not a real date and time \(December 2026 has days 1 to 31\): write "YYYY-MM-DD HH:MM" in the brand’s time zone$/,
      ),
    );
    expect(reports[1].created).toEqual(['later.md']);
    // No approval chain on this channel: straight to scheduled.
    expect(await postByFile('beta', 'later.md')).toMatchObject({ state: 'scheduled' });
  });

  it('a publish time already past is reported at import; the post stays a draft and is never published late', async () => {
    ws.write('late.md', post('title: Late\npublish: 2026-11-29 09:00'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report.created).toEqual(['late.md']);
    expect(report.issues.map(formatConfigIssue)).toContainEqual(
      expect.stringMatching(
        /late\.md:3:10  publish  publish time "2026-11-29 09:00" \(Europe\/London\) has already passed \(more than publishing.missedGrace ago\): the post is imported as a draft and will not be published; write a later time or "next-slot" to schedule it$/,
      ),
    );
    expect(await postByFile('acme', 'late.md')).toMatchObject({ state: 'draft' });

    // Given a time to come, it goes to review like any post.
    ws.write('late.md', post('title: Late\npublish: 2026-12-09 09:00'));
    const again = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(again.updated).toEqual(['late.md']);
    expect(again.issues.filter((issue) => issue.file?.endsWith('late.md'))).toEqual([]);
    expect(await postByFile('acme', 'late.md')).toMatchObject({ state: 'scheduled' });
  });

  it('a publish time inside publishing.missedGrace (a file written for "now", synced minutes later) is scheduled', async () => {
    // 07:50 London = 07:50 UTC on 30 November, ten minutes before the sync; the default grace is 15 minutes.
    ws.write('just-now.md', post('title: Just now\npublish: 2026-11-30 07:50'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report.issues.filter((issue) => issue.file?.endsWith('just-now.md'))).toEqual([]);
    expect(await postByFile('acme', 'just-now.md')).toMatchObject({ state: 'scheduled' });
  });

  it('a brand whose folder is missing is reported and the others still sync', async () => {
    const loaded = {
      ...ws.loaded,
      config: {
        ...ws.loaded.config,
        brands: {
          ...ws.loaded.config.brands,
          acme: { ...ws.loaded.config.brands.acme, content: { folder: 'gone' } },
        },
      },
    };
    ws.write('../beta/third.md', post('title: Third\npublish: 2026-12-06 09:15'));
    const reports = await ws.sync.syncAll(loaded, now);
    expect(reports[0].issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(/brands\.acme\.content\.folder  the content folder .*gone does not exist/),
    ]);
    expect(reports[0].cancelled).toEqual([]);
    expect(reports[1].created).toEqual(['third.md']);
  });
});
