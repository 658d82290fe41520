import request from 'supertest';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { startWebApp, type WebApp } from '../web/web-app.fixture';

interface AuditRow {
  actor: string;
  action: string;
  data: string;
}

describe('inbox assignment: who is to answer an item (REST)', () => {
  let web: WebApp;
  let auth: { Authorization: string };

  beforeAll(async () => {
    web = await startWebApp();
    const channel = await web.dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'social' });
    await new InboxItemRepository(new TransactionContext(web.dataSource)).insertNew(
      channel.id,
      [
        {
          id: 'item-1',
          item: {
            remoteId: 'r-1',
            kind: 'comment',
            author: 'sam',
            text: 'Where is my order?',
            receivedAt: new Date(Date.now() - 60_000),
          },
        },
      ],
      () => false,
    );
    const token = await new ApiTokenRepository(web.dataSource).create('ops', {
      service: 'ops',
      scopes: ['inbox:write'],
      brands: null,
      admin: true,
    });
    auth = { Authorization: `Bearer ${token.plaintext}` };
  });

  afterAll(async () => {
    await web.close();
  });

  const assign = (assignee: string | null, onBehalfOf = 'maya') =>
    request(web.server).post('/api/v1/inbox/item-1/assign').set(auth).send({ assignee, onBehalfOf });

  it('assigns to a person who works the brand’s inbox, shows it in the list, and audits who did it', async () => {
    const answer = await assign('rosa').expect(201);
    expect(answer.body.assignee).toBe('rosa');
    const list = await request(web.server).get('/api/v1/inbox?brand=acme').set(auth).expect(200);
    const items = list.body as Array<{ id: string; assignee: string | null }>;
    expect(items.find((item) => item.id === 'item-1')?.assignee).toBe('rosa');
    const rows = await web.dataSource.query<AuditRow[]>(
      `SELECT "actor", "action", "data" FROM "audit_events" WHERE "subject_id" = 'item-1' ORDER BY "id"`,
    );
    expect(rows.map((row) => [row.actor, row.action])).toEqual([['maya', 'inbox.assigned']]);
    expect(JSON.parse(rows[0].data)).toEqual({ assignee: 'rosa', previous: null });
  });

  it('refuses someone without an inbox role on the brand, naming the role to give', async () => {
    const refused = await assign('cleo').expect(400);
    expect(refused.body.error.message).toContain('"cleo" does not work the inbox of "acme"');
    await assign('theo').expect(400);
  });

  it('unassigns with null; an answered item is not assigned any more', async () => {
    expect((await assign(null).expect(201)).body.assignee).toBeNull();
    await request(web.server)
      .post('/api/v1/inbox/item-1/answer')
      .set(auth)
      .send({ onBehalfOf: 'rosa' })
      .expect(201);
    const late = await assign('rosa').expect(400);
    expect(late.body.error.message).toContain('already answered');
  });
});
