import request from 'supertest';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { PostEntity } from '../../src/content/post.entity';
import { IncidentNotificationEntity } from '../../src/escalations/incident-notification.entity';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { InboxItemEntity } from '../../src/inbox/inbox-item.entity';
import { post } from '../content/content-workspace';
import { startWebApp, type WebApp } from './web-app.fixture';

/** A title no page may render as markup or let reorder the text around it. */
const HOSTILE = `<script>alert(1)</script>\u202Eevil ${'x'.repeat(10_000)}`;

describe('web app: Today', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp({
      files: {
        'launch.md': post('title: Launch of the winter blend\npublish: 2030-01-09 09:15'),
        'hostile.md': post(`title: ${JSON.stringify(HOSTILE)}\npublish: 2030-01-11 09:15`),
        // Eleven more in review: theo's list shows ten and counts the rest.
        ...Object.fromEntries(
          Array.from({ length: 11 }, (_, index) => [
            `filler-${index}.md`,
            post(`title: Filler ${index + 1}\npublish: 2030-02-${String(index + 2).padStart(2, '0')} 09:15`),
          ]),
        ),
      },
    });
    const acmeSocial = await web.dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'social' });
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);
    // Past acme's 4h response time (no business hours: around the clock), near it, and fresh.
    await web.dataSource.getRepository(InboxItemEntity).insert(
      [
        { remoteId: 'c1', receivedAt: hoursAgo(6) },
        { remoteId: 'c2', receivedAt: hoursAgo(5) },
        { remoteId: 'c3', receivedAt: hoursAgo(3.5) },
        { remoteId: 'c4', receivedAt: hoursAgo(1) },
      ].map((item) =>
        Object.assign(new InboxItemEntity(), {
          ...item,
          channelId: acmeSocial.id,
          kind: 'comment',
          author: 'someone',
          text: 'Where do I buy it?',
          url: null,
          answeredAt: null,
          state: 'new',
          inReplyToRemoteId: null,
        }),
      ),
    );
    // An open incident escalated to rosa, one to theo on beta, and a resolved one to rosa.
    const incident = (title: string, brandId: string, state: string) =>
      Object.assign(new IncidentEntity(), {
        brandId,
        rule: 'test',
        subjectKey: title,
        dedupKey: `test:${title}`,
        state,
        severity: 'warning',
        title,
        details: {},
        policySnapshot: { levels: [{ targets: ['rosa'] }], repeat: 0 },
        level: 1,
        nextEscalationAt: null,
        openedAt: hoursAgo(2),
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: state === 'resolved' ? hoursAgo(1) : null,
        resolvedBy: null,
      });
    const incidents = [
      incident('Token of acme/social expires soon', 'acme', 'open'),
      incident('Beta feed failing', 'beta', 'open'),
      incident('Old trouble, resolved', 'acme', 'resolved'),
      incident(HOSTILE, 'acme', 'acknowledged'),
    ];
    await web.dataSource.getRepository(IncidentEntity).insert(incidents);
    const reached = (incidentId: string, target: string, status: 'sent' | 'failed') =>
      Object.assign(new IncidentNotificationEntity(), {
        incidentId,
        level: 0,
        target,
        channel: status === 'sent' ? 'email' : '-',
        status,
        error: status === 'sent' ? null : 'no address',
        sentAt: hoursAgo(2),
      });
    await web.dataSource
      .getRepository(IncidentNotificationEntity)
      .insert([
        reached(incidents[0].id, 'rosa', 'sent'),
        reached(incidents[1].id, 'theo', 'sent'),
        reached(incidents[2].id, 'rosa', 'sent'),
        reached(incidents[3].id, 'rosa', 'failed'),
      ]);
  });

  afterAll(async () => {
    await web.close();
  });

  const today = async (person: string) => {
    const { cookie } = await web.signIn(person);
    return (await request(web.server).get('/').set('Cookie', cookie).expect(200)).text;
  };
  const section = (page: string, id: string) => {
    const start = page.indexOf(`id="${id}"`);
    expect(start).toBeGreaterThan(-1);
    return page.slice(start, page.indexOf('</section>', start));
  };

  it('refuses without a session (to sign-in)', async () => {
    const answer = await request(web.server).get('/').expect(303);
    expect(answer.headers.location).toBe('/sign-in?next=%2F');
  });

  it('the posts are in review, their first step (copy review) on theo', async () => {
    const posts = await web.dataSource.getRepository(PostEntity).find();
    expect(posts).toHaveLength(13);
    expect(posts.every((p) => p.state === 'in_review')).toBe(true);
  });

  it('theo: the copy review steps wait on him, with the due date in words and a link to the post', async () => {
    const page = await today('theo');
    const approvals = section(page, 'waiting-approvals');
    const launch = await web.dataSource
      .getRepository(PostEntity)
      .findOneByOrFail({ title: 'Launch of the winter blend' });
    expect(approvals).toContain(`href="/posts/${launch.id}"`);
    expect(approvals).toContain('Launch of the winter blend');
    expect(approvals).toMatch(/due in \d+ years?/);
    expect(approvals).toContain('copy review');
    // Thirteen steps wait on him: the ten soonest are listed, the rest counted.
    expect(approvals.match(/<li>/g)).toHaveLength(10);
    expect(approvals).toContain('Filler 8');
    expect(approvals).not.toContain('Filler 9');
    expect(approvals).toMatch(/and 3 more — <a href="\/approvals">see all approvals<\/a>/);
    // theo is beta's owner: no community role on acme, so acme's inbox is not his to chase.
    expect(section(page, 'waiting-inbox')).toContain('No inbox item is past or near its response time.');
    // The beta incident was escalated to him.
    const incidents = section(page, 'waiting-incidents');
    expect(incidents).toContain('Beta feed failing');
    expect(incidents).not.toContain('Token of acme/social');
  });

  it('maya: the sign-off is not her turn before the copy review; acme’s inbox is (owner), past and near the SLA', async () => {
    const page = await today('maya');
    expect(section(page, 'waiting-approvals')).toContain('No approval step is your turn.');
    const inbox = section(page, 'waiting-inbox');
    expect(inbox).toContain('Acme Coffee / social');
    expect(inbox).toContain('2 items past the response time');
    expect(inbox).toContain('1 item nearly due');
    expect(inbox).toContain('href="/inbox"');
    // No incident was escalated to maya.
    expect(section(page, 'waiting-incidents')).toContain('No open incident was escalated to you.');
  });

  it('maya after theo approves: the sign-off waits on her, and no longer on theo', async () => {
    const launch = await web.dataSource
      .getRepository(PostEntity)
      .findOneByOrFail({ title: 'Launch of the winter blend' });
    await web.workspace.approvals.decide({ postId: launch.id, person: 'theo', decision: 'approve' });
    expect(section(await today('maya'), 'waiting-approvals')).toContain('sign-off');
    expect(section(await today('theo'), 'waiting-approvals')).not.toContain('Launch of the winter blend');
  });

  it('cleo (client) has no approvals, no inbox and no incidents: nothing waits on her; she sees acme only', async () => {
    const page = await today('cleo');
    expect(page).toContain('Nothing waits on you');
    expect(page).not.toContain('Launch of the winter blend');
    const brands = section(page, 'my-brands');
    expect(brands).toContain('Acme Coffee');
    expect(brands).not.toContain('Beta Bikes');
  });

  it('rosa (community): the incidents escalated to her that are still open, also when she could not be reached', async () => {
    const page = await today('rosa');
    const incidents = section(page, 'waiting-incidents');
    expect(incidents).toContain('Token of acme/social expires soon');
    expect(incidents).not.toContain('Old trouble, resolved');
    expect(incidents).not.toContain('Beta feed failing');
    expect(incidents).toContain('could not be reached');
    expect(incidents).toContain('href="/incidents"');
    expect(section(page, 'waiting-inbox')).toContain('2 items past the response time');
  });

  it('my brands: roles, owner, this and next month planned against the cadence target, the plan due date and stage', async () => {
    const page = await today('theo');
    const brands = section(page, 'my-brands');
    expect(brands).toContain('Acme Coffee');
    expect(brands).toContain('Beta Bikes');
    expect(brands).toMatch(/Your roles: Owner · Owner: Theo Writer/);
    expect(brands).toMatch(/Your roles: Approver · Owner: Maya Admin/);
    expect(brands).toContain('This month (');
    expect(brands).toContain('Next month (');
    // acme posts 3 a week: a month's target is about 13; nothing planned this month.
    expect(brands).toMatch(/0 of 1[2-4]\s*<span class="badge badge-warn">below target<\/span>/);
    expect(brands).toContain('no cadence target');
  });

  it('a hostile title is rendered escaped, without its bidi override', async () => {
    for (const person of ['theo', 'rosa']) {
      const page = await today(person);
      expect(page).not.toContain('<script>alert(1)</script>');
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toContain('\u202E');
    }
  });

  it('the page has no inline script, style attribute or event handler', async () => {
    const page = await today('maya');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/\son[a-z]+=/);
    expect(page).not.toMatch(/\sstyle=/);
  });
});
