import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import type { DataSource } from 'typeorm';
import { createContentServices, type ContentServices } from '../content/content-services.fixture';
import { ContentFilesService } from '../../src/content/content-files.service';
import { incidentService } from '../escalations/incident-service.fixture';
import { InvalidError, NotFoundError } from '../../src/errors/domain.error';
import { InboxService } from '../../src/inbox/inbox.service';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { PostEntity } from '../../src/content/post.entity';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/**
 * The services say what went wrong by kind, so the HTTP filter and the CLI map it without reading the
 * message: an unknown id is not_found (404, exit 2), a request the current state refuses is invalid (400, exit 2).
 */
describe('domain error kinds thrown by the services', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let content: ContentServices;
  const now = new Date('2026-11-30T08:00:00Z');
  const unknownId = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource);
    ws.write('a.md', post('title: In review\npublish: 2026-12-04 09:15'));
    await ws.sync.syncBrand(ws.loaded, 'acme', now);
    content = await createContentServices(dataSource);
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('approvals: an unknown post is not found, a person off the step is invalid', async () => {
    await expect(
      content.approvals.decide({ postId: unknownId, person: 'theo', decision: 'approve', at: now }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const inReview = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'a.md' });
    await expect(
      content.approvals.decide({ postId: inReview.id, person: 'maya', decision: 'approve', at: now }),
    ).rejects.toBeInstanceOf(InvalidError);
  });

  it('release: an unknown post is not found, a post that is not held is invalid', async () => {
    await expect(content.release.release(unknownId, 'maya', now)).rejects.toBeInstanceOf(NotFoundError);
    const inReview = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'a.md' });
    await expect(content.release.release(inReview.id, 'maya', now)).rejects.toBeInstanceOf(InvalidError);
  });

  it('inbox and incidents: an unknown id is not found', async () => {
    const audit = new AuditRepository(dataSource);
    await expect(
      new InboxService(
        new InboxItemRepository(new TransactionContext(dataSource)),
        audit,
        new TransactionContext(dataSource),
        SYSTEM_CLOCK,
      ).answer(unknownId, 'maya'),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(incidentService(dataSource).acknowledge(unknownId, 'maya', now)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('content files: a missing file or brand is not found, a path outside the folder is invalid', async () => {
    const files = new ContentFilesService(ws.sync);
    await expect(files.remove(ws.loaded, 'acme', 'nope.md')).rejects.toBeInstanceOf(NotFoundError);
    expect(() => files.list(ws.loaded, 'nobody')).toThrow(NotFoundError);
    await expect(files.write(ws.loaded, 'acme', '../escape.md', 'x')).rejects.toBeInstanceOf(InvalidError);
  });
});
