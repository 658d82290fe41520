import type { INestApplication } from '@nestjs/common';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

  it('refuses names that cannot be post files with a clear 400, leaves no temporary file, and takes files up to the 256 KiB cap', async () => {
    const server = app.getHttpServer();
    const folder = join(ws.dir, 'content');
    const refused = async (path: string, pattern: RegExp) => {
      const answer = await request(server)
        .put(`/api/v1/brands/acme/content/${path}`)
        .set(auth)
        .send({ text: post('title: Nope') });
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(JSON.stringify(answer.body)).toMatch(pattern);
    };
    await refused('bad%00name.md', /control characters and backslashes are not allowed/);
    await refused(
      `${'a'.repeat(300)}.md`,
      /a folder or file name in the path is 303 bytes, at most 255 are allowed/,
    );
    await refused('README.md', /is the folder's README, not a post/);
    await refused('notes/readme.MD', /is the folder's README, not a post/);
    await refused('notes.txt', /posts are Markdown files ending in \.md/);
    const leftovers = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.name.endsWith('.tmp'))
        .map((entry) => entry.name);
    expect(leftovers(folder)).toEqual([]);

    // A README written by hand stays as it is, and is not a post.
    writeFileSync(join(folder, 'README.md'), '# Our posts');
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toBe('# Our posts');

    // The documented cap is reachable: a 200 KB file goes through (over the API's general 100 KB JSON limit).
    const long = await request(server)
      .put('/api/v1/brands/acme/content/long.md')
      .set(auth)
      .send({ text: post('title: Long\npublish: 2030-01-20 09:15', 'Lorem ipsum dolor.\n'.repeat(10_500)) })
      .expect(200);
    expect(JSON.stringify(long.body.issues)).toContain('over the limit of 500 characters');
    const tooBig = await request(server)
      .put('/api/v1/brands/acme/content/too-big.md')
      .set(auth)
      .send({ text: post('title: Too big', 'x'.repeat(270 * 1024)) })
      .expect(400);
    expect(JSON.stringify(tooBig.body)).toContain('more than a post file may hold (262,144 bytes, 256 KiB)');
    expect(existsSync(join(folder, 'too-big.md'))).toBe(false);
    expect(leftovers(folder)).toEqual([]);

    // Other routes keep the 100 KB JSON limit.
    await request(server)
      .post('/api/v1/plan/sync')
      .set(auth)
      .send({ brand: 'x'.repeat(150 * 1024) })
      .expect(413);
  });

  it('refuses media outside the content folder in a file written through the API, saying nothing of what exists', async () => {
    const server = app.getHttpServer();
    const written = await request(server)
      .put('/api/v1/brands/acme/content/escape.md')
      .set(auth)
      .send({
        text: post(
          'title: Escape\npublish: 2030-01-21 09:15\nmedia: [{ path: ../../../../../../etc/hostname, alt: host }]',
        ),
      })
      .expect(200);
    expect(written.body.created).toEqual([]);
    const issues = written.body.issues as Array<{ file: string }>;
    expect(issues.filter((issue) => issue.file.endsWith('escape.md'))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('is of an unknown type') }),
      expect.objectContaining({
        path: ['media', 0, 'path'],
        message:
          'media file "../../../../../../etc/hostname" is not a readable file inside the content folder (paths are relative to the post file and stay in the brand\'s content folder)',
      }),
    ]);
  });
});
