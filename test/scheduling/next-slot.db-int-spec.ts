import type { DataSource } from 'typeorm';
import { PostEntity } from '../../src/content/post.entity';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** A brand whose channel has an evening window on Sundays and a morning one on weekdays; no approvals. */
const yaml = (timezone: string, windows: string[], approvals = '') => `
organisation: { name: Test Agency, timezone: ${timezone} }
people:
  maya: { name: Maya, email: maya@example.com }
brands:
  acme:
    name: Acme Coffee
    timezone: ${timezone}
    owner: maya
    content: { folder: content }
    channels:
      social:
        connector: sandbox
        options: { handle: acme }
        cadence: { postsPerWeek: 0, windows: ${JSON.stringify(windows)} }
        ${approvals ? 'approval: standard' : ''}
    campaigns:
      winter: { name: Winter blend, starts: 2026-12-01, ends: 2026-12-31 }
      autumn: { name: Autumn blend, starts: 2026-09-01, ends: 2026-09-30 }
      launch: { name: Launch day, starts: 2026-12-02, ends: 2026-12-02 }
    ${approvals}
`;

describe('"next-slot" as a content file author sees it (real SQLite, real sync)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeEach(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
  });

  afterEach(async () => {
    await database.dispose();
  });

  const publishAt = async (sourcePath: string) =>
    (await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath })).publishAt?.toISOString();

  async function workspace(text: string): Promise<ContentWorkspace> {
    return createContentWorkspace(dataSource, text);
  }

  it('uses the rest of a window that is open now (Sunday 21:09, window Sun 21:00-23:30)', async () => {
    const ws = await workspace(yaml('Europe/London', ['Sun 21:00-23:30', 'weekdays 07:00-09:00']));
    ws.write('tonight.md', post('title: Tonight'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-11-29T21:09:00Z'));
    expect(report.issues).toEqual([]);
    expect(await publishAt('tonight.md')).toBe('2026-11-29T21:09:00.000Z');
  });

  it('leaves the approval chain its lead time inside the open window', async () => {
    const ws = await workspace(
      yaml(
        'Europe/London',
        ['Sun 21:00-23:30', 'weekdays 07:00-09:00'],
        `approvals:
      standard:
        steps:
          - { name: sign-off, approvers: [maya], dueBefore: 1h }`,
      ),
    );
    ws.write('tonight.md', post('title: Tonight'));
    await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-11-29T21:09:00Z'));
    expect(await publishAt('tonight.md')).toBe('2026-11-29T22:09:00.000Z');
  });

  it('places a post of a 1-31 December campaign, synced on 14 October, in December', async () => {
    const ws = await workspace(yaml('Europe/London', ['Mon,Wed,Fri 09:00-10:00']));
    ws.write('winter.md', post('title: Winter blend\ncampaign: winter'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-10-14T10:00:00Z'));
    expect(report.issues).toEqual([]);
    expect(await publishAt('winter.md')).toBe('2026-12-02T09:00:00.000Z'); // Wednesday 2 December
  });

  it('moves a slotted post into its campaign when the file is edited to name one', async () => {
    const ws = await workspace(yaml('Europe/London', ['Mon,Wed,Fri 09:00-10:00']));
    ws.write('winter.md', post('title: Winter blend'));
    await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-10-14T10:00:00Z'));
    expect(await publishAt('winter.md')).toBe('2026-10-16T08:00:00.000Z'); // Friday 09:00 BST
    ws.write('winter.md', post('title: Winter blend\ncampaign: winter'));
    await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-10-14T11:00:00Z'));
    expect(await publishAt('winter.md')).toBe('2026-12-02T09:00:00.000Z');
  });

  it('says why when the campaign is over or full, and keeps the post a draft', async () => {
    const ws = await workspace(yaml('Europe/London', ['Wed 09:00-10:00']));
    ws.write('autumn.md', post('title: Autumn\ncampaign: autumn'));
    ws.write('launch-1.md', post('title: Launch\ncampaign: launch'));
    ws.write('launch-2.md', post('title: Launch, again\ncampaign: launch'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-10-14T10:00:00Z'));
    expect(await publishAt('autumn.md')).toBeUndefined();
    expect(await publishAt('launch-1.md')).toBe('2026-12-02T09:00:00.000Z');
    expect(await publishAt('launch-2.md')).toBeUndefined();
    expect(report.issues.map((issue) => `${issue.file?.split('/').pop()}: ${issue.message}`)).toEqual([
      'autumn.md: campaign "autumn" ended on 2026-09-30, before the earliest slot that leaves time for approvals (2026-10-14 11:00): change the campaign\'s dates or give the post a time "YYYY-MM-DD HH:MM"; the post stays a draft',
      'launch-2.md: no free publishing window between 2026-12-02 00:00 and the end of campaign "launch" (2026-12-02) for "next-slot": add windows, raise postsPerWeek or extend the campaign; the post stays a draft',
    ]);
  });

  it('gives every post its own slot when the window lies in the spring-forward gap (Australia/Sydney, Sun 02:00-03:00)', async () => {
    const ws = await workspace(yaml('Australia/Sydney', ['Sun 02:00-03:00']));
    for (const name of ['one', 'two', 'three']) {
      ws.write(`${name}.md`, post(`title: ${name}`));
    }
    await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-10-01T00:00:00Z'));
    const slots = [await publishAt('one.md'), await publishAt('two.md'), await publishAt('three.md')];
    expect(slots.sort()).toEqual([
      '2026-10-03T16:00:00.000Z', // 4 October, 03:00 AEDT: the window moved past the gap, still an hour long
      '2026-10-10T15:00:00.000Z', // 11 October, 02:00 AEDT
      '2026-10-17T15:00:00.000Z',
    ]);
  });
});
