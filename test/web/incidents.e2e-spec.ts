import request from 'supertest';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { IncidentRepository } from '../../src/escalations/incident.repository';
import { IncidentService } from '../../src/escalations/incident.service';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { startWebApp, type SignedIn, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe${'x'.repeat(10_000)}`;

describe('web app: the Incidents screen', () => {
  let web: WebApp;
  const ids: Record<string, string> = {};

  const open = async (
    name: string,
    brandId: string | null,
    title: string,
    severity: 'warning' | 'critical',
  ) => {
    const { incident } = await web.app.get(IncidentService).open({
      brandId,
      rule: 'test-rule',
      subjectKey: name,
      title,
      severity,
      details: {},
      policy: {
        policy: 'on-call',
        levels: [
          { targets: ['rosa'], afterMs: 0 },
          { targets: ['maya'], afterMs: 30 * 60_000 },
        ],
        repeat: 0,
      },
      at: new Date(Date.now() - 3_600_000),
    });
    ids[name] = incident.id;
    return incident.id;
  };

  const page = (who: SignedIn, query = '') =>
    request(web.server).get(`/incidents${query}`).set('Cookie', who.cookie);
  const post = (who: SignedIn, path: string, form: Record<string, string> = {}) =>
    request(web.server)
      .post(path)
      .set('Cookie', who.cookie)
      .type('form')
      .send({ _csrf: who.csrf, ...form });
  const row = async (name: string) =>
    web.dataSource.getRepository(IncidentEntity).findOneByOrFail({ id: ids[name] });
  const card = (html: string, name: string) =>
    html
      .slice(html.indexOf(`id="incident-${ids[name]}"`))
      .split('</li>\n</ol>')[0]
      .split('<li class="card incident"')[0];

  beforeAll(async () => {
    web = await startWebApp();
    const repo = web.app.get(IncidentRepository);
    const id = await open('down', 'acme', 'Acme social channel is down', 'critical');
    // The sweeper's two steps, as it records them: claim the step, then what each target's notification did.
    await repo.claimStep(id, 0, new Date(Date.now() - 1_800_000));
    await repo.claimStep(id, 1, null);
    await repo.recordNotification({
      incidentId: id,
      level: 0,
      target: 'rosa',
      channel: 'email',
      status: 'sent',
      error: null,
      sentAt: new Date(Date.now() - 3_500_000),
    });
    await repo.recordNotification({
      incidentId: id,
      level: 1,
      target: 'maya',
      channel: '-',
      status: 'failed',
      error: 'no e-mail <b>address</b>',
      sentAt: new Date(Date.now() - 1_700_000),
    });
    await open('quiet', 'acme', 'Acme posting gap', 'warning');
    await open('evil', 'acme', HOSTILE, 'warning');
    await open('beta', 'beta', 'Beta token expiring', 'warning');
    await open('org', null, 'Notifier slack failing', 'critical');
  });

  afterAll(async () => {
    await web.close();
  });

  it('without a session the page redirects to sign-in; a person with no role is refused', async () => {
    const answer = await request(web.server).get('/incidents').expect(303);
    expect(answer.headers.location).toBe('/sign-in?next=%2Fincidents');
    const nobody = await web.signIn('nobody');
    await page(nobody).expect(403);
    await post(nobody, `/incidents/${ids.down}/acknowledge`).expect(403);
    expect((await row('down')).state).toBe('open');
  });

  it('shows only the person’s brands, with severity, brand and the escalation timeline', async () => {
    const rosa = await web.signIn('rosa');
    const html = (await page(rosa).expect(200)).text;
    expect(html).toContain('Acme social channel is down');
    expect(html).not.toContain('Beta token expiring');
    expect(html).not.toContain('Notifier slack failing');
    const down = card(html, 'down');
    expect(down).toContain('Severity: critical');
    expect(down).toContain('Acme Coffee');
    expect(down).toContain('2 of 2 steps sent');
    expect(down).toMatch(
      /Level 1:[\s\S]*Rosa Community \(you\)\s*through email:\s*<span class="badge badge-ok">Reached/,
    );
    expect(down).toMatch(
      /Level 2:[\s\S]*Maya Admin\s*— no way to reach them:\s*<span class="badge badge-danger">Not reached/,
    );
    expect(down).toContain('no e-mail &lt;b&gt;address&lt;/b&gt;');
    // An administrator also sees incidents of no brand.
    const maya = await web.signIn('maya');
    const theirs = (await page(maya).expect(200)).text;
    expect(theirs).toContain('Notifier slack failing');
    expect(theirs).toContain('Beta token expiring');
  });

  it('hostile titles are escaped, without bidi overrides', async () => {
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

  it('"assigned or escalated to me" shows the incidents whose escalation reached the person', async () => {
    const rosa = await web.signIn('rosa');
    const mine = (await page(rosa, '?mine=1').expect(200)).text;
    expect(mine).toContain('Acme social channel is down');
    expect(mine).not.toContain('Acme posting gap');
  });

  it('cleo the client sees incidents but cannot act; a brand not hers is not found', async () => {
    const cleo = await web.signIn('cleo');
    const html = (await page(cleo).expect(200)).text;
    expect(html).toContain('Acme social channel is down');
    expect(html).not.toContain('/acknowledge"');
    await post(cleo, `/incidents/${ids.down}/acknowledge`).expect(403);
    await post(cleo, `/incidents/${ids.down}/resolve`).expect(403);
    const rosa = await web.signIn('rosa');
    await post(rosa, `/incidents/${ids.beta}/acknowledge`).expect(404);
    await post(rosa, `/incidents/${ids.org}/resolve`).expect(404);
    expect((await row('down')).state).toBe('open');
    expect((await row('beta')).state).toBe('open');
  });

  it('acknowledge then resolve, audited as the person with the comment, shown in the timeline and the tabs', async () => {
    const rosa = await web.signIn('rosa');
    const acked = await post(rosa, `/incidents/${ids.down}/acknowledge`, {
      comment: 'Looking <now>',
      back: '/incidents?state=open',
    }).expect(303);
    expect(acked.headers.location).toBe(`/incidents?state=open&done=acknowledged#incident-${ids.down}`);
    expect(await row('down')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'rosa' });
    await post(rosa, `/incidents/${ids.down}/acknowledge`).expect(400);
    const ackTab = (await page(rosa, '?state=acknowledged').expect(200)).text;
    const acknowledged = card(ackTab, 'down');
    expect(acknowledged).toContain(
      'acknowledged by Rosa Community: <span class="user-text" dir="auto">Looking &lt;now&gt;</span>',
    );
    expect(acknowledged).not.toContain('/acknowledge"');
    expect(acknowledged).toContain(`action="/incidents/${ids.down}/resolve"`);
    expect((await page(rosa).expect(200)).text).not.toContain(`id="incident-${ids.down}"`);

    await post(rosa, `/incidents/${ids.down}/resolve`, {
      comment: 'Token renewed',
      back: 'https://evil.example/',
    }).expect(303);
    expect(await row('down')).toMatchObject({ state: 'resolved', resolvedBy: 'rosa' });
    const resolvedTab = (await page(rosa, '?state=resolved').expect(200)).text;
    const resolved = card(resolvedTab, 'down');
    expect(resolved).toContain(
      'resolved by Rosa Community: <span class="user-text" dir="auto">Token renewed</span>',
    );
    expect(resolved).not.toContain('<form');
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findBy({ subjectType: 'incident', subjectId: ids.down });
    expect(audit.map((event) => [event.action, event.actor])).toEqual(
      expect.arrayContaining([
        ['incident.acknowledged', 'rosa'],
        ['incident.resolved', 'rosa'],
      ]),
    );
  });
});
