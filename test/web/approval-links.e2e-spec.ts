import { DateTime } from 'luxon';
import request from 'supertest';
import { EscalationSweeper } from '../../src/escalations/escalation.sweeper';
import { RECIPIENT_LINKS, type RecipientLinks } from '../../src/escalations/notification-sender';
import { ConfigService } from '../../src/config/config.service';
import { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import { WebLinkService } from '../../src/web/session/web-link.service';
import { post } from '../content/content-workspace';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { APPROVALS_YAML, auditRows, HOSTILE_TITLE, postIds } from './approval-fixtures';
import { startWebApp, type WebApp } from './web-app.fixture';

/** Overdue approvals escalate to the approvers (theo) and the owner (maya), by e-mail. */
const YAML = `${APPROVALS_YAML}
guards:
  approval-overdue: { escalate: approvers }
escalations:
  approvers:
    levels:
      - { targets: [theo, maya] }
`;

describe('web app: one-click approval links in approval notifications', () => {
  const smtp = new TestSmtpServer();
  let web: WebApp;
  let ids: Record<string, string>;

  /** 30 hours from now in London: copy review (due 48h before publishing) is 18 hours overdue. */
  const soon = DateTime.now().setZone('Europe/London').plus({ hours: 30 }).toFormat('yyyy-MM-dd HH:mm');

  beforeAll(async () => {
    await smtp.start();
    web = await startWebApp({
      yaml: YAML,
      files: {
        'late.md': post(`title: Late launch\npublish: ${soon}`, 'Our winter blend is here.'),
        'later.md': post(`title: Later launch\npublish: ${soon}`),
        'hostile.md': post(`title: ${JSON.stringify(HOSTILE_TITLE)}\npublish: ${soon}`),
      },
    });
    const config = web.app.get(ConfigService).loaded.config;
    config.notifiers.mail = {
      plugin: 'email',
      options: {
        host: '127.0.0.1',
        port: smtp.port,
        user: smtp.user,
        password: smtp.password,
        from: 'Metronome <metronome@example.com>',
      },
    };
    ids = await postIds(web.dataSource);
    const now = new Date();
    await web.app.get(GuardRuleRunner).run(now);
    await web.app.get(EscalationSweeper).sweep(now);
  });

  afterAll(async () => {
    await web.close();
    await smtp.stop();
  });

  /** The mail to `address` about the post titled `title`. */
  const mailTo = (address: string, title: string, quoted = true) => {
    const mail = smtp.received.find(
      (m) => JSON.stringify(m.to).includes(address) && (m.text ?? '').includes(quoted ? `"${title}"` : title),
    );
    if (!mail) {
      throw new Error(`no mail to ${address} about ${title}`);
    }
    return mail;
  };
  /** The token of the link labelled `label` in a mail's text. */
  const tokenIn = (text: string, label: string) => {
    const match = new RegExp(
      `^${label}: http://127\\.0\\.0\\.1:3999/links/approvals/([A-Za-z0-9_-]+)$`,
      'm',
    ).exec(text);
    if (!match) {
      throw new Error(`no "${label}" link in:\n${text}`);
    }
    return match[1];
  };
  const stateOf = async (postId: string) =>
    (
      await web.dataSource.query<Array<{ state: string }>>(
        `SELECT "state" FROM "posts" WHERE "id" = ${web.dataSource.options.type === 'postgres' ? '$1' : '?'}`,
        [postId],
      )
    )[0].state;
  const openStep = async (postId: string) =>
    (
      await web.dataSource.query<Array<{ step_name: string }>>(
        `SELECT "step_name" FROM "approvals" WHERE "post_id" = ${web.dataSource.options.type === 'postgres' ? '$1' : '?'} AND "status" = 'pending' ORDER BY "step_index"`,
        [postId],
      )
    )[0]?.step_name;

  it('each approver’s e-mail carries links bound to them; the owner’s (not an approver of the step) does not', () => {
    const theos = mailTo('theo@example.com', 'Late launch');
    const text = theos.text ?? '';
    expect(text).toMatch(/^Approve: http:\/\/127\.0\.0\.1:3999\/links\/approvals\//m);
    expect(text).toMatch(/^Request changes: http:\/\/127\.0\.0\.1:3999\/links\/approvals\//m);
    expect(text).toContain('Open approvals: http://127.0.0.1:3999/approvals');
    expect(String(theos.html)).toContain('/links/approvals/');
    const mayas = mailTo('maya@example.com', 'Late launch');
    expect(mayas.text).not.toContain('/links/approvals/');
    expect(mayas.text).toContain('Open approvals: http://127.0.0.1:3999/approvals');
    // Each copy carries its own tokens.
    expect(tokenIn(text, 'Approve')).not.toBe(
      tokenIn(mailTo('theo@example.com', 'Later launch').text ?? '', 'Approve'),
    );
  });

  it('a message to a channel (not a person) gets only the link to /approvals', async () => {
    const steps = await web.dataSource.query<Array<{ id: string }>>(
      `SELECT "id" FROM "approvals" WHERE "status" = 'pending'`,
    );
    const links = web.app.get<RecipientLinks>(RECIPIENT_LINKS);
    const forChannel = await links.linksFor(
      { rule: 'guard:approval-overdue', subjectKey: `approval:${steps[0].id}` },
      null,
    );
    expect(forChannel).toEqual([{ label: 'Open approvals', url: 'http://127.0.0.1:3999/approvals' }]);
  });

  it('opening the link changes nothing; its button decides once, as theo, audited "via one-click link"', async () => {
    const token = tokenIn(mailTo('theo@example.com', 'Late launch').text ?? '', 'Approve');
    for (let i = 0; i < 2; i++) {
      const shown = await request(web.server).get(`/links/approvals/${token}`).expect(200);
      expect(shown.text).toContain('Late launch');
      expect(shown.text).toContain('Our winter blend is here.');
      expect(shown.text).toContain('copy review');
      expect(shown.text).toContain('Theo Writer');
      expect(shown.text).toContain(`action="/links/approvals/${token}"`);
      expect(shown.headers['set-cookie']).toBeUndefined();
    }
    expect(await stateOf(ids['Late launch'])).toBe('in_review');
    expect(await openStep(ids['Late launch'])).toBe('copy review');
    expect(await auditRows(web.dataSource, ids['Late launch'], 'approval.decided')).toEqual([]);

    const used = await request(web.server)
      .post(`/links/approvals/${token}`)
      .type('form')
      .send({})
      .expect(200);
    expect(used.text).toContain('you approved this post');
    expect(await openStep(ids['Late launch'])).toBe('sign-off');
    const rows = await auditRows(web.dataSource, ids['Late launch'], 'approval.decided');
    expect(rows).toEqual([
      expect.objectContaining({
        actor: 'theo',
        data: { step: 'copy review', decision: 'approve', overdue: true, via: 'one-click link' },
        api_token_id: null,
        on_behalf_by: null,
      }),
    ]);

    const replay = await request(web.server)
      .post(`/links/approvals/${token}`)
      .type('form')
      .send({})
      .expect(410);
    expect(replay.text).toContain('This link has been used already');
    await request(web.server).get(`/links/approvals/${token}`).expect(410);
    expect(await auditRows(web.dataSource, ids['Late launch'], 'approval.decided')).toHaveLength(1);
  });

  it('a link for a step that moved on is refused, and uses nothing', async () => {
    const token = tokenIn(mailTo('theo@example.com', 'Late launch').text ?? '', 'Request changes');
    const shown = await request(web.server).get(`/links/approvals/${token}`).expect(410);
    expect(shown.text).toContain('This step is no longer waiting on you');
    await request(web.server)
      .post(`/links/approvals/${token}`)
      .type('form')
      .send({ comment: 'x' })
      .expect(410);
    expect(await stateOf(ids['Late launch'])).toBe('in_review');
    expect(await openStep(ids['Late launch'])).toBe('sign-off');
  });

  it('request changes needs a note, then sends the post back to draft as theo', async () => {
    const token = tokenIn(mailTo('theo@example.com', 'Later launch').text ?? '', 'Request changes');
    const empty = await request(web.server)
      .post(`/links/approvals/${token}`)
      .type('form')
      .send({ comment: ' ' })
      .expect(400);
    expect(empty.text).toContain('Say what should change');
    expect(await stateOf(ids['Later launch'])).toBe('in_review');
    const done = await request(web.server)
      .post(`/links/approvals/${token}`)
      .type('form')
      .send({ comment: 'Add the price' })
      .expect(200);
    expect(done.text).toContain('you asked for changes on this post');
    expect(await stateOf(ids['Later launch'])).toBe('draft');
    expect(await auditRows(web.dataSource, ids['Later launch'], 'approval.decided')).toEqual([
      expect.objectContaining({
        actor: 'theo',
        data: expect.objectContaining({
          decision: 'request_changes',
          comment: 'Add the price',
          via: 'one-click link',
        }),
      }),
    ]);
  });

  it('an expired or unknown link is refused and decides nothing', async () => {
    const [step] = await web.dataSource.query<Array<{ id: string }>>(
      `SELECT "id" FROM "approvals" WHERE "post_id" = ${web.dataSource.options.type === 'postgres' ? '$1' : '?'} AND "status" = 'pending'`,
      [ids[HOSTILE_TITLE]],
    );
    const token = await web.app
      .get(WebLinkService)
      .issue({ person: 'theo', purpose: 'approve', subject: step.id, lifetimeMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expired = await request(web.server).get(`/links/approvals/${token}`).expect(410);
    expect(expired.text).toContain('This link has expired');
    await request(web.server).post(`/links/approvals/${token}`).type('form').send({}).expect(410);
    expect(await openStep(ids[HOSTILE_TITLE])).toBe('copy review');
    const unknown = await request(web.server).get('/links/approvals/not-a-real-token-at-all').expect(404);
    expect(unknown.text).toContain('This link is not valid');
  });

  it('shows a hostile title escaped on the link page', async () => {
    const token = tokenIn(mailTo('theo@example.com', 'alert(1)', false).text ?? '', 'Approve');
    const shown = await request(web.server).get(`/links/approvals/${token}`).expect(200);
    expect(shown.text).not.toContain('<script>alert(1)');
    expect(shown.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(shown.text).not.toContain('\u202E');
    expect(shown.text).toContain('x'.repeat(10_000));
  });
});
