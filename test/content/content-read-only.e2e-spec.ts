import request from 'supertest';
import { DataSource } from 'typeorm';
import { API_SCOPES } from '../../src/http/api-scopes';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { startWebApp, type WebApp } from '../web/web-app.fixture';
import { blockBetaFolder, prepareBetaFolder, READ_ONLY_YAML } from './read-only-folder';
import { post } from './content-workspace';

describe('REST content API on a read-only content folder', () => {
  let web: WebApp;
  let auth: { Authorization: string };

  beforeAll(async () => {
    web = await startWebApp({ yaml: READ_ONLY_YAML, prepare: prepareBetaFolder });
    blockBetaFolder(web.workspace.dir);
    const { plaintext } = await new ApiTokenRepository(web.app.get(DataSource)).create('e2e', {
      scopes: API_SCOPES,
      admin: true,
    });
    auth = { Authorization: `Bearer ${plaintext}` };
  });

  afterAll(async () => {
    await web.close();
  });

  it('PUT answers 503 content_read_only with what to do, not a 500', async () => {
    const answer = await request(web.server)
      .put('/api/v1/brands/beta/content/launch.md')
      .set(auth)
      .send({ text: post('title: Launch\npublish: 2030-01-09 09:15') })
      .expect(503);
    expect(answer.body.error.code).toBe('content_read_only');
    expect(answer.body.error.message).toContain('cannot be written here');
    expect(answer.body.error.message).toMatch(/not a folder|ENOTDIR/);
  });

  it('a writable folder of another brand still takes the same PUT', async () => {
    const answer = await request(web.server)
      .put('/api/v1/brands/acme/content/launch.md')
      .set(auth)
      .send({ text: post('title: Launch\npublish: 2030-01-09 09:15') })
      .expect(200);
    expect(answer.body.issues).toEqual([]);
  });
});
