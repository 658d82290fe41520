import { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { loadConfiguration } from '../../src/config/config.loader';
import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';

/** Replies through the REST API: the whole app on a real SQLite file, the demo config's sandbox channel. */
describe('POST /api/v1/inbox/:id/replies (real SQLite file, demo config)', () => {
  let app: INestApplication;
  let writer: { Authorization: string };
  let reader: { Authorization: string };
  let itemId: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-replies-'));
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'silent' },
      { port: '0' },
    );
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error('demo config must be valid');
    }
    app = await createApp(runtime, loaded.loaded);
    await app.init();
    const dataSource = app.get(DataSource);
    const tokens = new ApiTokenRepository(dataSource);
    writer = {
      Authorization: `Bearer ${(await tokens.create('community', { person: 'theo', scopes: ['inbox:read', 'inbox:write'] })).plaintext}`,
    };
    reader = {
      Authorization: `Bearer ${(await tokens.create('viewer', { person: 'maya', scopes: ['inbox:read'] })).plaintext}`,
    };
    const channel = await dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'demo', key: 'sandbox' });
    itemId = 'item-api-1';
    await new InboxItemRepository(new TransactionContext(dataSource)).insertNew(
      channel.id,
      [
        {
          id: itemId,
          item: {
            remoteId: 'wc1',
            kind: 'mention',
            author: 'sam.k',
            text: 'Do you ship to Norway?',
            receivedAt: new Date(Date.now() - 60_000),
          },
        },
      ],
      () => false,
    );
  });

  afterAll(async () => {
    await app.close();
  });

  it('sends the reply and answers with it; the item is answered, the reply listed', async () => {
    const response = await request(app.getHttpServer())
      .post(`/api/v1/inbox/${itemId}/replies`)
      .set(writer)
      .send({ text: 'We do, from January!' })
      .expect(201);
    expect(response.body).toMatchObject({
      itemId,
      channel: 'demo/sandbox',
      state: 'sent',
      text: 'We do, from January!',
      remoteId: expect.stringMatching(/^[0-9a-f]{16}$/),
      url: expect.stringContaining('https://sandbox.invalid/demo-coffee/'),
      requestedBy: 'theo',
    });

    const listed = await request(app.getHttpServer())
      .get(`/api/v1/inbox/${itemId}/replies`)
      .set(reader)
      .expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: response.body.id, state: 'sent' })]);
    const answered = await request(app.getHttpServer())
      .get('/api/v1/inbox?state=answered')
      .set(reader)
      .expect(200);
    expect((answered.body as Array<{ id: string }>).map((item) => item.id)).toEqual([itemId]);
  });

  it('a text over the connector’s limit is 400 invalid, saying by how much; nothing is stored', async () => {
    const response = await request(app.getHttpServer())
      .post(`/api/v1/inbox/${itemId}/replies`)
      .set(writer)
      .send({ text: 'x'.repeat(520) })
      .expect(400);
    expect(response.body.error).toMatchObject({
      code: 'reply_too_long',
      message:
        'the reply is too long for sandbox (demo/sandbox): 520 characters, over the limit of 500 characters by 20; shorten it',
    });
    const listed = await request(app.getHttpServer())
      .get(`/api/v1/inbox/${itemId}/replies`)
      .set(reader)
      .expect(200);
    expect(listed.body).toHaveLength(1);
  });

  it('needs inbox:write; an unknown item is 404', async () => {
    await request(app.getHttpServer())
      .post(`/api/v1/inbox/${itemId}/replies`)
      .set(reader)
      .send({ text: 'Hi' })
      .expect(403);
    await request(app.getHttpServer())
      .post('/api/v1/inbox/nope/replies')
      .set(writer)
      .send({ text: 'Hi' })
      .expect(404);
  });
});
