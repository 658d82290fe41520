import type { INestApplication } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { API_SCOPES } from '../../src/http/api-scopes';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { createContentWorkspace, post, type ContentWorkspace } from './content-workspace';
import { createTestDatabase } from '../persistence/test-database';

describe('plan & prepare over HTTP', () => {
  let app: INestApplication;
  let auth: { Authorization: string };
  let ws: ContentWorkspace;

  beforeAll(async () => {
    const scratch = await createTestDatabase();
    ws = await createContentWorkspace(await scratch.openMigrated());
    ws.write('launch.md', post('title: Launch\npublish: 2030-01-09 09:15'));
    const loaded = await loadConfiguration(join(ws.dir, 'metronome.yaml'), { env: {} });
    if (!loaded.ok) {
      throw new Error('config must be valid');
    }
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(ws.dir, 'api.db')}`, LOG_LEVEL: 'silent' },
      { role: 'all', port: '0' },
    );
    app = await createApp(runtime, loaded.loaded);
    await app.init();
    // An admin token: decisions name the approver in onBehalfOf.
    const { plaintext } = await new ApiTokenRepository(app.get(DataSource)).create('e2e', {
      scopes: API_SCOPES,
      admin: true,
    });
    auth = { Authorization: `Bearer ${plaintext}` };
  });

  afterAll(async () => {
    await app.close();
  });

  it('syncs, lists, and takes approval decisions; bad requests say what is wrong', async () => {
    const server = app.getHttpServer();
    const sync = await request(server).post('/api/v1/plan/sync').set(auth).send({}).expect(201);
    // The scheduler imports at start too; syncs are serialized, so between them the file is imported once.
    expect(sync.body).toEqual([expect.objectContaining({ brand: 'acme', issues: [] })]);
    expect(sync.body[0].created.length + sync.body[0].unchanged).toBe(1);
    const posts = await request(server).get('/api/v1/posts?state=in_review').set(auth).expect(200);
    expect(posts.body).toEqual([
      expect.objectContaining({
        title: 'Launch',
        publishAt: '2030-01-09T09:15:00.000Z',
        channels: [expect.objectContaining({ channel: 'social' })],
      }),
    ]);
    const id = posts.body[0].id as string;

    const pending = await request(server).get('/api/v1/approvals?person=theo').set(auth).expect(200);
    expect(pending.body).toEqual([
      expect.objectContaining({ postId: id, step: 'copy review', overdue: false }),
    ]);

    const missingComment = await request(server)
      .post(`/api/v1/posts/${id}/decisions`)
      .set(auth)
      .send({ onBehalfOf: 'theo', decision: 'reject' })
      .expect(400);
    expect(JSON.stringify(missingComment.body)).toContain('a rejection or change request needs a comment');
    await request(server)
      .post(`/api/v1/posts/${id}/decisions`)
      .set(auth)
      .send({ onBehalfOf: 'nobody', decision: 'approve' })
      .expect(400);
    await request(server)
      .post('/api/v1/posts/not-a-post/decisions')
      .set(auth)
      .send({ onBehalfOf: 'theo', decision: 'approve' })
      .expect(404);

    const decided = await request(server)
      .post(`/api/v1/posts/${id}/decisions`)
      .set(auth)
      .send({ onBehalfOf: 'theo', decision: 'approve' })
      .expect(201);
    expect(decided.body).toEqual({
      postId: id,
      step: 'copy review',
      stepStatus: 'approved',
      postState: 'in_review',
    });
    await request(server).get('/api/v1/posts?state=bogus').set(auth).expect(400);
  });

  it('takes content files through the API: written into the content folder and synced at once', async () => {
    const server = app.getHttpServer();
    const written = await request(server)
      .put('/api/v1/brands/acme/content/2030-01/winter-launch.md')
      .set(auth)
      .send({ text: post('title: Winter launch\ncampaign: winter\npublish: 2030-01-13 09:15') })
      .expect(200);
    expect(written.body).toMatchObject({ brand: 'acme', created: ['2030-01/winter-launch.md'], issues: [] });
    expect(readFileSync(join(ws.dir, 'content', '2030-01', 'winter-launch.md'), 'utf8')).toContain(
      'title: Winter launch',
    );
    const listed = await request(server).get('/api/v1/brands/acme/content').set(auth).expect(200);
    expect([...(listed.body as { files: string[] }).files].sort()).toEqual([
      '2030-01/winter-launch.md',
      'launch.md',
    ]);

    // A file with a problem is still written (as on disk) and the answer says what is wrong and where.
    const broken = await request(server)
      .put('/api/v1/brands/acme/content/broken.md')
      .set(auth)
      .send({ text: post('title: Broken\nchannels: [tiktok]') })
      .expect(200);
    expect(JSON.stringify(broken.body.issues)).toContain('tiktok');

    for (const path of ['../escape.md', '.hidden/x.md', 'notes.txt']) {
      const refused = await request(server)
        .put(`/api/v1/brands/acme/content/${path}`)
        .set(auth)
        .send({ text: post('title: Nope') });
      expect([400, 404]).toContain(refused.status);
    }
    expect(existsSync(join(ws.dir, 'escape.md'))).toBe(false);
    await request(server).put('/api/v1/brands/nobody/content/a.md').set(auth).send({ text: 'x' }).expect(404);

    const removed = await request(server)
      .delete('/api/v1/brands/acme/content/2030-01/winter-launch.md')
      .set(auth)
      .expect(200);
    expect(removed.body.cancelled).toEqual(['2030-01/winter-launch.md']);
    await request(server)
      .delete('/api/v1/brands/acme/content/2030-01/winter-launch.md')
      .set(auth)
      .expect(404);
  });
});
