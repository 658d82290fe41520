import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { formatConfigIssue } from '../../src/config/config-issue';
import { ApprovalEntity } from '../../src/approvals/approval.entity';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createContentWorkspace, post, type ContentWorkspace } from './content-workspace';

/** Content files → posts, on a real database, with the clock passed in. */
describe('plan sync', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  const now = new Date('2026-11-30T08:00:00Z'); // a Monday, before the 09:00 window

  const postByFile = (file: string) =>
    dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: file });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource);
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('imports new files: timed posts go to review with their approval steps, drafts stay drafts', async () => {
    ws.write(
      '2026-12/launch.md',
      post('title: Winter blend launch\ncampaign: winter\ntheme: roastery\npublish: 2026-12-04 09:15'),
    );
    ws.write('2026-12/brew-guide.md', post('title: V60 guide\ntheme: brewing\ntags: [guide]'));
    ws.write('ideas/maybe.md', post('title: Someday\ndraft: true'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report.issues.map(formatConfigIssue)).toEqual([]);
    expect(report.created.sort()).toEqual(['2026-12/brew-guide.md', '2026-12/launch.md', 'ideas/maybe.md']);

    const launch = await postByFile('2026-12/launch.md');
    expect(launch).toMatchObject({ state: 'in_review', campaign: 'winter', scheduleMode: 'fixed' });
    expect(launch.publishAt?.toISOString()).toBe('2026-12-04T09:15:00.000Z');
    const steps = await dataSource
      .getRepository(ApprovalEntity)
      .find({ where: { postId: launch.id }, order: { stepIndex: 'ASC' } });
    expect(steps.map((s) => [s.stepName, s.status, s.dueAt.toISOString()])).toEqual([
      ['copy review', 'pending', '2026-12-02T09:15:00.000Z'],
      ['sign-off', 'pending', '2026-12-03T09:15:00.000Z'],
    ]);

    const guide = await postByFile('2026-12/brew-guide.md');
    expect(guide.scheduleMode).toBe('slot');
    // Monday's window is free but the chain needs 48 h: the first slot that leaves time for approvals is Wednesday.
    expect(guide.publishAt?.toISOString()).toBe('2026-12-02T09:00:00.000Z');
    expect((await postByFile('ideas/maybe.md')).state).toBe('draft');
    const variant = await dataSource.getRepository(PostVariantEntity).findOneByOrFail({ postId: launch.id });
    expect(variant).toMatchObject({ text: 'Fresh beans, roasted on Tuesday.', state: 'in_review' });
    expect(variant.idempotencyKey).toBe(`${launch.id}:${variant.channelId}`);
  });

  it('is idempotent: running again changes nothing', async () => {
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report).toMatchObject({ created: [], updated: [], cancelled: [], unchanged: 3 });
  });

  it('slots next-slot posts into free windows, never two in one, and not past the weekly cadence', async () => {
    // Friday's window holds the fixed 09:15 post, so the draft (part of the plan, it holds a slot too)
    // went to the next Monday, and the next post to Wednesday.
    expect((await postByFile('ideas/maybe.md')).publishAt?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    ws.write('2026-12/second.md', post('title: Cupping notes'));
    await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect((await postByFile('2026-12/second.md')).publishAt?.toISOString()).toBe('2026-12-09T09:00:00.000Z');
  });

  it('stops at the weekly cadence', async () => {
    ws.write('2026-12/third.md', post('title: Roastery tour'));
    await ws.sync.syncBrand(ws.loaded, 'acme', now);
    // Mon 7, Wed 9 taken; Fri 11 is the third post of that week; the fourth goes to the week after.
    expect((await postByFile('2026-12/third.md')).publishAt?.toISOString()).toBe('2026-12-11T09:00:00.000Z');
    ws.write('2026-12/fourth.md', post('title: Customer story'));
    await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect((await postByFile('2026-12/fourth.md')).publishAt?.toISOString()).toBe('2026-12-14T09:00:00.000Z');
  });

  it('an edited file updates its post and restarts approvals', async () => {
    const before = await postByFile('2026-12/launch.md');
    ws.write(
      '2026-12/launch.md',
      post('title: Winter blend launch\ncampaign: winter\npublish: 2026-12-04 09:15', 'New copy.'),
    );
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report.updated).toEqual(['2026-12/launch.md']);
    const after = await postByFile('2026-12/launch.md');
    expect(after).toMatchObject({ id: before.id, body: 'New copy.', state: 'in_review' });
    const statuses = (await dataSource.getRepository(ApprovalEntity).findBy({ postId: after.id }))
      .map((s) => s.status)
      .sort();
    expect(statuses).toEqual(['pending', 'pending', 'skipped', 'skipped']);
  });

  it('reports a broken file with its position and leaves its post untouched', async () => {
    const before = await postByFile('2026-12/brew-guide.md');
    ws.write(
      '2026-12/brew-guide.md',
      post('title: V60 guide\nchannels: [socail]\ntheme: brewng', 'x'.repeat(501)),
    );
    ws.write('2026-12/no-front-matter.md', 'Just text');
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    const lines = report.issues.map(formatConfigIssue);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /brew-guide\.md:3:12  channels\[0\]  unknown channel "socail" \(did you mean "social"\?\)/,
        ),
        expect.stringMatching(
          /brew-guide\.md:4:8  theme  theme "brewng" is not one of the brand's themes \(brewing, roastery\) \(did you mean "brewing"\?\)/,
        ),
        expect.stringMatching(/no-front-matter\.md:1:1  \(root\)  a post file starts with YAML front matter/),
      ]),
    );
    expect(await postByFile('2026-12/brew-guide.md')).toMatchObject({
      body: before.body,
      sourceHash: before.sourceHash,
    });
    rmSync(join(ws.dir, 'content', '2026-12/no-front-matter.md'));
  });

  it('checks text length in graphemes against the connector', async () => {
    ws.write('2026-12/long.md', post('title: Long', '👩‍👩‍👧‍👦'.repeat(500) + '!'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report.issues.map(formatConfigIssue)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /long\.md:4:1  body  channel "social" \(sandbox\): the text is 501 characters, over the limit of 500 characters by 1: shorten it, or add overrides\.social\.text$/,
        ),
      ]),
    );
    ws.write('2026-12/long.md', post('title: Long', '👩‍👩‍👧‍👦'.repeat(500)));
    const ok = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(ok.created).toContain('2026-12/long.md');
  });

  it('a deleted file cancels its unpublished post; a published post is never rewritten', async () => {
    rmSync(join(ws.dir, 'content', 'ideas/maybe.md'));
    const launch = await postByFile('2026-12/launch.md');
    await dataSource.getRepository(PostEntity).update({ id: launch.id }, { state: 'published' });
    ws.write('2026-12/launch.md', post('title: Rewritten after the fact\npublish: 2026-12-04 09:15'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', now);
    expect(report.cancelled).toEqual(['ideas/maybe.md']);
    expect(report.keptPublished).toEqual(['2026-12/launch.md']);
    expect((await postByFile('2026-12/launch.md')).title).toBe('Winter blend launch');
    const cancelled = await postByFile('ideas/maybe.md');
    expect(cancelled).toMatchObject({ state: 'cancelled', stateReason: 'file ideas/maybe.md was deleted' });
    const audit = await dataSource.getRepository(AuditEventEntity).findBy({ subjectId: cancelled.id });
    expect(audit.map((event) => event.action)).toEqual(['post.imported', 'post.state_changed']);
  });
});
