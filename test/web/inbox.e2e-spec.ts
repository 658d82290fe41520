import request from 'supertest';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { InboxItemEntity } from '../../src/inbox/inbox-item.entity';
import { WebLinkEntity } from '../../src/web/session/web-link.entity';
import { InboxReplyEntity } from '../../src/inbox/inbox-reply.entity';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { startWebApp, WEB_YAML, type SignedIn, type WebApp } from './web-app.fixture';

/** acme also has a channel whose connector cannot reply (http-post), and a 4h SLA around the clock. */
const YAML = WEB_YAML.replace(
  '        approval: standard\n',
  '        approval: standard\n      cms: { connector: http-post, options: { endpoint: "https://cms.example.com/api" } }\n',
).replace(
  '    roles: { cleo: client, rosa: community, ed: editor }\n',
  '    roles: { cleo: client, rosa: community, ed: editor }\n    inbox: { responseSla: 4h }\n',
);

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe${'x'.repeat(10_000)}`;
const MINUTE = 60_000;

describe('web app: the Inbox screen', () => {
  let web: WebApp;
  const ids: Record<string, string> = {};

  const seed = async (
    brand: string,
    key: string,
    id: string,
    author: string,
    text: string,
    ageMs: number,
  ) => {
    const channel = await web.dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: brand, key });
    await new InboxItemRepository(new TransactionContext(web.dataSource)).insertNew(
      channel.id,
      [
        {
          id,
          item: {
            remoteId: `r-${id}`,
            kind: 'comment',
            author,
            text,
            url: `https://net.example/${id}`,
            receivedAt: new Date(Date.now() - ageMs),
          },
        },
      ],
      () => false,
    );
    ids[id] = id;
  };

  const page = (who: SignedIn, query = '') =>
    request(web.server).get(`/inbox${query}`).set('Cookie', who.cookie);
  const post = (who: SignedIn, path: string, form: Record<string, string>) =>
    request(web.server)
      .post(path)
      .set('Cookie', who.cookie)
      .type('form')
      .send({ _csrf: who.csrf, ...form });
  const state = async (id: string) =>
    (await web.dataSource.getRepository(InboxItemEntity).findOneByOrFail({ id })).state;
  const replyKey = (html: string, id: string) =>
    new RegExp(`action="/inbox/${id}/reply"[\\s\\S]*?name="key" value="([^"]+)"`).exec(html)?.[1];

  beforeAll(async () => {
    web = await startWebApp({ yaml: YAML });
    await seed('acme', 'social', 'old', 'sam', 'Where is my order?', 3 * 3_600_000 + 10 * MINUTE);
    await seed('acme', 'social', 'fresh', 'kim', 'Love the beans', 20 * MINUTE);
    await seed('acme', 'social', 'late', 'lee', 'Still no answer?', 5 * 3_600_000);
    await seed('acme', 'cms', 'cms1', 'jo', 'Comment on the blog', 30 * MINUTE);
    await seed('acme', 'social', 'evil', HOSTILE, HOSTILE, 10 * MINUTE);
    await seed('beta', 'social', 'bike', 'rider', 'Beta only question', 60 * MINUTE);
  });

  afterAll(async () => {
    await web.close();
  });

  it('without a session the inbox redirects to sign-in', async () => {
    const answer = await request(web.server).get('/inbox').expect(303);
    expect(answer.headers.location).toBe('/sign-in?next=%2Finbox');
  });

  it('a person with no role is refused; actions of someone without a session go to sign-in', async () => {
    const nobody = await web.signIn('nobody');
    await page(nobody).expect(403);
    await post(nobody, '/inbox/old/answer', {}).expect(403);
    const anonymous = await request(web.server).post('/inbox/old/answer').type('form').send({});
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2F');
    expect(await state('old')).toBe('new');
  });

  it('shows only the person’s brands, the most urgent first, with the age in the SLA and its badge', async () => {
    const rosa = await web.signIn('rosa');
    const html = (await page(rosa).expect(200)).text;
    expect(html).not.toContain('Beta only question');
    const order = ['late', 'old', 'cms1', 'fresh', 'evil'].map((id) => html.indexOf(`id="item-${id}"`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const item = (id: string) => html.slice(html.indexOf(`id="item-${id}"`)).split('</li>\n')[0];
    expect(item('old')).toContain('3h 10m of 4h');
    expect(item('old')).toContain('Near SLA');
    expect(item('late')).toContain('5h of 4h');
    expect(item('late')).toContain('Past SLA');
    expect(item('fresh')).toContain('20m of 4h');
    expect(item('fresh')).toContain('Within SLA');
    // theo owns beta and approves on acme: he sees both, and works beta's inbox only.
    const theo = await web.signIn('theo');
    const theirs = (await page(theo).expect(200)).text;
    expect(theirs).toContain('Beta only question');
    expect(theirs).toContain('action="/inbox/bike/answer"');
    expect(theirs).toContain('Where is my order?');
    expect(theirs).not.toContain('action="/inbox/old/answer"');
  });

  it('filters by brand, channel, state and past SLA; a brand the person does not see shows nothing of it', async () => {
    const rosa = await web.signIn('rosa');
    const past = (await page(rosa, '?past=1').expect(200)).text;
    expect(past).toContain('id="item-late"');
    expect(past).not.toContain('id="item-old"');
    const cms = (await page(rosa, '?channel=cms').expect(200)).text;
    expect(cms).toContain('id="item-cms1"');
    expect(cms).not.toContain('id="item-old"');
    // Actions come back to the same filtered list.
    expect(cms).toContain('name="back" value="/inbox?channel&#x3D;cms"');
    const beta = (await page(rosa, '?brand=beta').expect(200)).text;
    expect(beta).not.toContain('Beta only question');
  });

  it('hostile author names and texts are escaped, without bidi overrides', async () => {
    const rosa = await web.signIn('rosa');
    const html = (await page(rosa).expect(200)).text;
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('\u202E');
    // The page keeps to the Content-Security-Policy: no inline script, handler or style.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toContain('x'.repeat(10_000));
  });

  it('cleo the client sees the inbox but cannot act: no buttons, and a POST is 403', async () => {
    const cleo = await web.signIn('cleo');
    const html = (await page(cleo).expect(200)).text;
    expect(html).toContain('Where is my order?');
    expect(html).not.toContain('action="/inbox/old/answer"');
    await post(cleo, '/inbox/old/answer', {}).expect(403);
    await post(cleo, '/inbox/old/ignore', {}).expect(403);
    await post(cleo, '/inbox/old/reply', { text: 'hi', key: 'x' }).expect(403);
    expect(await state('old')).toBe('new');
    // An item of a brand rosa does not see is not admitted to exist.
    const rosa = await web.signIn('rosa');
    await post(rosa, '/inbox/bike/answer', {}).expect(404);
  });

  it('mark answered and ignore are audited as the person, then redirect back to the list', async () => {
    const rosa = await web.signIn('rosa');
    const answered = await post(rosa, '/inbox/fresh/answer', { back: '/inbox?channel=social' }).expect(303);
    expect(answered.headers.location).toBe('/inbox?channel=social&done=answered#item-fresh');
    expect(await state('fresh')).toBe('answered');
    await post(rosa, '/inbox/cms1/ignore', { back: 'https://evil.example/' }).expect(303);
    expect(await state('cms1')).toBe('ignored');
    const audit = await web.dataSource.getRepository(AuditEventEntity).findBy({ subjectType: 'inbox' });
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'rosa', action: 'inbox.answered', subjectId: 'fresh' }),
        expect.objectContaining({ actor: 'rosa', action: 'inbox.ignored', subjectId: 'cms1' }),
      ]),
    );
    await post(rosa, '/inbox/fresh/answer', {}).expect(400);
    const answeredList = (await page(rosa, '?state=answered').expect(200)).text;
    expect(answeredList).toContain('id="item-fresh"');
    expect(answeredList).toContain('Answered after 20m of 4h');
  });

  it('a channel that cannot reply says where to answer; one that can shows a reply box with its limit', async () => {
    const maya = await web.signIn('maya');
    await seed('acme', 'cms', 'cms2', 'jo', 'Another blog comment', 5 * MINUTE);
    const html = (await page(maya).expect(200)).text;
    const cms = html.slice(html.indexOf('id="item-cms2"')).split('</li>\n')[0];
    expect(cms).toContain('reply on Http-post</a>');
    expect(cms).not.toContain('/reply"');
    const old = html.slice(html.indexOf('id="item-old"')).split('</li>\n')[0];
    expect(old).toContain('action="/inbox/old/reply"');
    expect(old).toContain('0 of 500 characters');
    const counted = await request(web.server)
      .post('/inbox/old/reply/count')
      .set('Cookie', maya.cookie)
      .set('X-CSRF-Token', maya.csrf)
      .set('HX-Request', 'true')
      .type('form')
      .send({ text: 'é👍🏽 ok' })
      .expect(200);
    expect(counted.text).toContain('5 of 500 characters');
    await post(maya, '/inbox/cms2/reply', { text: 'hi', key: 'x' }).expect(400);
  });

  it('a reply goes through the sandbox once: a second POST of the same form sends nothing', async () => {
    const rosa = await web.signIn('rosa');
    const key = replyKey((await page(rosa).expect(200)).text, 'old');
    expect(key).toBeDefined();
    const tooLong = await post(rosa, '/inbox/old/reply', { text: 'x'.repeat(520), key: key! }).expect(400);
    expect(tooLong.text).toContain('over the limit of 500 characters by 20');
    const first = await post(rosa, '/inbox/old/reply', {
      text: 'We ship Monday!',
      key: key!,
      back: '/inbox',
    }).expect(303);
    expect(first.headers.location).toBe('/inbox?done=replied#item-old');
    const again = await post(rosa, '/inbox/old/reply', {
      text: 'We ship Monday!',
      key: key!,
      back: '/inbox',
    }).expect(303);
    expect(again.headers.location).toBe('/inbox?done=duplicate#item-old');
    const replies = await web.dataSource.getRepository(InboxReplyEntity).findBy({ itemId: 'old' });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ state: 'sent', requestedBy: 'rosa', text: 'We ship Monday!' });
    expect(await state('old')).toBe('answered');
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findBy({ action: 'inbox.reply_requested', subjectId: 'old' });
    expect(audit).toEqual([expect.objectContaining({ actor: 'rosa' })]);
    // The item, now answered, shows its reply, sent, with its link.
    const answered = (await page(rosa, '?state=answered').expect(200)).text;
    const item = answered.slice(answered.indexOf('id="item-old"')).split('</li>\n</ol>')[0];
    expect(item).toContain('Sent');
    expect(item).toContain('We ship Monday!');
    expect(item).toContain(`href="${replies[0].url}"`);
    // A reply the platform refused shows as failed, with the platform's reason (escaped).
    await web.dataSource
      .getRepository(InboxReplyEntity)
      .update({ id: replies[0].id }, { state: 'failed', lastError: 'refused: <b>duplicate</b>' });
    const failed = (await page(rosa, '?state=answered').expect(200)).text;
    const failedItem = failed.slice(failed.indexOf('id="item-old"')).split('</li>\n</ol>')[0];
    expect(failedItem).toContain('<span class="badge badge-danger">Failed</span>');
    expect(failedItem).toContain(
      'Reason: <span class="user-text" dir="auto">refused: &lt;b&gt;duplicate&lt;/b&gt;</span>',
    );
    // Showing the page writes nothing; a key used once is refused for another person or another item.
    const otherKey = replyKey((await page(rosa).expect(200)).text, 'late');
    expect(await web.dataSource.getRepository(WebLinkEntity).countBy({ purpose: 'inbox-reply' })).toBe(1);
    await post(rosa, '/inbox/late/reply', { text: 'On its way', key: otherKey! }).expect(303);
    const maya = await web.signIn('maya');
    await post(maya, '/inbox/late/reply', { text: 'Hi', key: otherKey! }).expect(400);
    await post(rosa, '/inbox/evil/reply', { text: 'Hi', key: otherKey! }).expect(400);
    expect(await web.dataSource.getRepository(InboxReplyEntity).countBy({ itemId: 'late' })).toBe(1);
    expect(await web.dataSource.getRepository(InboxReplyEntity).countBy({ itemId: 'evil' })).toBe(0);
  });

  it('assigns an item to someone who works the inbox, audited; "assigned to me" finds it', async () => {
    await seed('acme', 'social', 'asg', 'kim', 'Do you deliver?', 10 * MINUTE);
    const rosa = await web.signIn('rosa');
    await post(rosa, '/inbox/asg/assign', { assignee: 'rosa', back: '/inbox' }).expect(303);
    const mine = (await page(rosa, '?mine=1').expect(200)).text;
    expect(mine).toContain('id="item-asg"');
    expect(mine).toContain('Assigned to Rosa Community');
    expect(mine).not.toContain('id="item-cms1"');
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findBy({ action: 'inbox.assigned', subjectId: 'asg' });
    expect(audit).toEqual([expect.objectContaining({ actor: 'rosa' })]);
    // Only people who work the brand's inbox can be given it; a client cannot assign at all.
    const refused = await post(rosa, '/inbox/asg/assign', { assignee: 'cleo' }).expect(400);
    expect(refused.text).toContain('does not work the inbox of this brand');
    const cleo = await web.signIn('cleo');
    await post(cleo, '/inbox/asg/assign', { assignee: 'cleo' }).expect(403);
    await post(rosa, '/inbox/asg/assign', { assignee: '' }).expect(303);
    expect((await page(rosa, '?mine=1').expect(200)).text).not.toContain('id="item-asg"');
  });
});
