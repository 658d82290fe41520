import type { DataSource } from 'typeorm';
import { InvalidError } from '../../src/errors/domain.error';
import { ApprovalEntity } from '../../src/approvals/approval.entity';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

describe('approval chains', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  const now = new Date('2026-11-30T08:00:00Z');

  const find = (file: string) => dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: file });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource);
    ws.write('a.md', post('title: Approved in time\npublish: 2026-12-04 09:15'));
    ws.write('b.md', post('title: Rejected\npublish: 2026-12-07 09:15'));
    await ws.sync.syncBrand(ws.loaded, 'acme', now);
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('walks the steps in order; an "all" step needs every approver; the last approval schedules the post', async () => {
    const a = await find('a.md');
    await expect(
      ws.approvals.decide({ postId: a.id, person: 'maya', decision: 'approve', at: now }),
    ).rejects.toThrow(new InvalidError('maya is not an approver of step "copy review" (approvers: theo)'));
    await ws.approvals.decide({ postId: a.id, person: 'theo', decision: 'approve', at: now });
    let outcome = await ws.approvals.decide({ postId: a.id, person: 'maya', decision: 'approve', at: now });
    expect(outcome.postState).toBe('in_review');
    outcome = await ws.approvals.decide({
      postId: a.id,
      person: 'ivy',
      decision: 'approve',
      comment: 'lovely',
      at: now,
    });
    expect(outcome.postState).toBe('scheduled');
    const variant = await dataSource.getRepository(PostVariantEntity).findOneByOrFail({ postId: a.id });
    expect(variant.state).toBe('scheduled');
    expect(variant.scheduledAt?.toISOString()).toBe('2026-12-04T09:15:00.000Z');
    const audit = await dataSource
      .getRepository(AuditEventEntity)
      .find({ where: { subjectId: a.id }, order: { id: 'ASC' } });
    expect(audit.map((event) => [event.actor, event.action])).toEqual([
      ['plan-sync', 'post.imported'],
      ['plan-sync', 'post.state_changed'],
      ['theo', 'approval.decided'],
      ['maya', 'approval.decided'],
      ['ivy', 'approval.decided'],
      ['ivy', 'post.state_changed'],
      ['ivy', 'post.state_changed'],
    ]);
    await expect(
      ws.approvals.decide({ postId: a.id, person: 'ivy', decision: 'approve', at: now }),
    ).rejects.toThrow('post "Approved in time" is scheduled, not waiting for approval');
  });

  it('a rejection sends the post back to draft with the reason and closes the chain; a late decision is marked overdue', async () => {
    const b = await find('b.md');
    const late = new Date('2026-12-06T10:00:00Z'); // copy review was due 2026-12-05 09:15
    const outcome = await ws.approvals.decide({
      postId: b.id,
      person: 'theo',
      decision: 'reject',
      comment: 'wrong price',
      at: late,
    });
    expect(outcome.postState).toBe('draft');
    expect(await find('b.md')).toMatchObject({
      state: 'draft',
      stateReason: 'rejected by theo at "copy review": wrong price',
    });
    const statuses = (
      await dataSource
        .getRepository(ApprovalEntity)
        .find({ where: { postId: b.id }, order: { stepIndex: 'ASC' } })
    ).map((s) => s.status);
    expect(statuses).toEqual(['rejected', 'skipped']);
    const decided = await dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ subjectId: b.id, action: 'approval.decided' });
    expect(decided.data).toMatchObject({ decision: 'reject', overdue: true, comment: 'wrong price' });
  });
});
