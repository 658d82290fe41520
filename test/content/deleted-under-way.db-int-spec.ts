import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createContentWorkspace, post, type ContentWorkspace } from './content-workspace';

/** Two channels without approvals: a post goes straight to scheduled and has one variant per channel. */
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
      first: { connector: sandbox, options: { handle: first } }
      second: { connector: sandbox, options: { handle: second } }
`;

/**
 * Nothing is ever published from a deleted file: a post under way (`publishing`) whose other channel still waits
 * (for a reconnect or a rate limit: its variant is back in `scheduled`) loses that variant when its file is deleted.
 */
describe('plan sync: deleting the file of a post under way', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  const now = new Date('2026-11-30T08:00:00Z');
  const later = new Date('2026-11-30T08:05:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, YAML);
  });

  afterAll(async () => {
    await database.dispose();
  });

  /** Imports `file`, then puts it under way: post `publishing`, variants in the given states. */
  async function underWay(file: string, states: [string, string]): Promise<PostEntity> {
    ws.write(file, post(`title: ${file}\npublish: 2026-12-02 09:00`));
    await ws.sync.syncBrand(ws.loaded, 'acme', now);
    const imported = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: file });
    expect(imported.state).toBe('scheduled');
    await dataSource.getRepository(PostEntity).update({ id: imported.id }, { state: 'publishing' });
    const variants = await dataSource.getRepository(PostVariantEntity).find({
      where: { postId: imported.id },
      order: { id: 'ASC' },
    });
    expect(variants).toHaveLength(2);
    for (const [i, variant] of variants.entries()) {
      await dataSource
        .getRepository(PostVariantEntity)
        .update({ id: variant.id }, { state: states[i] as never });
    }
    return imported;
  }

  const variantStates = async (postId: string) =>
    (await dataSource.getRepository(PostVariantEntity).find({ where: { postId }, order: { id: 'ASC' } })).map(
      (variant) => variant.state,
    );

  it('cancels the waiting channel of a partly published post; the post settles as published', async () => {
    const partly = await underWay('partly.md', ['published', 'scheduled']);
    rmSync(join(ws.dir, 'content', 'partly.md'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', later);
    expect(report.cancelled).toContain('partly.md');
    expect(await variantStates(partly.id)).toEqual(['published', 'cancelled']);
    expect(await dataSource.getRepository(PostEntity).findOneByOrFail({ id: partly.id })).toMatchObject({
      state: 'published',
    });
  });

  it('cancels a post under way whose every channel still waits', async () => {
    const waiting = await underWay('waiting.md', ['scheduled', 'scheduled']);
    rmSync(join(ws.dir, 'content', 'waiting.md'));
    const report = await ws.sync.syncBrand(ws.loaded, 'acme', later);
    expect(report.cancelled).toContain('waiting.md');
    expect(await variantStates(waiting.id)).toEqual(['cancelled', 'cancelled']);
    expect(await dataSource.getRepository(PostEntity).findOneByOrFail({ id: waiting.id })).toMatchObject({
      state: 'cancelled',
    });
  });

  it('leaves a send in flight alone: the post settles when it ends', async () => {
    const flying = await underWay('flying.md', ['publishing', 'scheduled']);
    rmSync(join(ws.dir, 'content', 'flying.md'));
    await ws.sync.syncBrand(ws.loaded, 'acme', later);
    expect(await variantStates(flying.id)).toEqual(['publishing', 'cancelled']);
    expect(await dataSource.getRepository(PostEntity).findOneByOrFail({ id: flying.id })).toMatchObject({
      state: 'publishing',
    });
  });
});
