import request from 'supertest';
import { API_SCOPES } from '../../src/http/api-scopes';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { post } from '../content/content-workspace';
import { APPROVALS_YAML, auditRows, HOSTILE_TITLE, postIds, writeBetaPost } from './approval-fixtures';
import { startWebApp, type SignedIn, type WebApp } from './web-app.fixture';

describe('web app: Approvals', () => {
  let web: WebApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    web = await startWebApp({
      yaml: APPROVALS_YAML,
      prepare: (dir) => writeBetaPost(dir, 'ride.md', 'title: Beta ride\npublish: 2030-01-12 10:00'),
      files: {
        'alpha.md': post('title: Alpha\npublish: 2030-01-09 09:15'),
        'bravo.md': post('title: Bravo\npublish: 2030-01-10 09:15'),
        'charlie.md': post('title: Charlie\npublish: 2030-01-11 09:15'),
        'delta.md': post('title: Delta\npublish: 2030-01-14 09:15'),
        'echo.md': post('title: Echo\npublish: 2030-01-15 09:15'),
        'hostile.md': post(`title: ${JSON.stringify(HOSTILE_TITLE)}\npublish: 2030-01-16 09:15`),
      },
    });
    ids = await postIds(web.dataSource);
  });

  afterAll(async () => {
    await web.close();
  });

  const page = (who: SignedIn, path = '/approvals') =>
    request(web.server).get(path).set('Cookie', who.cookie);
  const decide = (who: SignedIn, postId: string, form: Record<string, string>, htmx = false) => {
    const call = request(web.server)
      .post(`/approvals/${postId}/decisions`)
      .set('Cookie', who.cookie)
      .type('form');
    if (htmx) {
      call.set('HX-Request', 'true').set('X-CSRF-Token', who.csrf);
    }
    return call.send(htmx ? form : { ...form, _csrf: who.csrf });
  };
  /** The rows of the list: the text of each <tr id="row-…">. */
  const rowIds = (html: string) => [...html.matchAll(/<tr id="row-([^"]+)"/g)].map((m) => m[1]);

  it('refuses without a session: the page and a decision go to sign-in', async () => {
    const shown = await request(web.server).get('/approvals').expect(303);
    expect(shown.headers.location).toBe('/sign-in?next=%2Fapprovals');
    const posted = await request(web.server)
      .post(`/approvals/${ids.Alpha}/decisions`)
      .type('form')
      .send({ decision: 'approve' })
      .expect(303);
    expect(posted.headers.location).toMatch(/^\/sign-in/);
  });

  it('refuses a person without a role; a client sees only their brands and cannot decide', async () => {
    const nobody = await web.signIn('nobody');
    await page(nobody).expect(403);
    const cleo = await web.signIn('cleo');
    const all = await page(cleo, '/approvals?tab=all').expect(200);
    expect(all.text).toContain('Alpha');
    expect(all.text).not.toContain('Beta ride');
    expect(all.text).not.toContain('Beta Bikes');
    expect(all.text).not.toContain('name="decision"');
    // A client's "Waiting on me" is empty, and deciding is refused before the service is asked.
    expect(rowIds((await page(cleo).expect(200)).text)).toEqual([]);
    const refused = await decide(cleo, ids.Alpha, { decision: 'approve' }).expect(403);
    expect(refused.text).toContain('Not allowed');
    // Asking for another brand's list by its id shows nothing of it.
    const filtered = await page(cleo, '/approvals?tab=all&brand=beta').expect(200);
    expect(filtered.text).not.toContain('Beta ride');
  });

  it('"Waiting on me" lists the steps whose turn is mine; "All" every open step of my brands', async () => {
    const theo = await web.signIn('theo');
    const mine = await page(theo).expect(200);
    expect(rowIds(mine.text).sort()).toEqual(
      [ids.Alpha, ids.Bravo, ids.Charlie, ids.Delta, ids.Echo, ids[HOSTILE_TITLE], ids['Beta ride']].sort(),
    );
    expect(mine.text).toContain('copy review');
    expect(mine.text).toContain('owner check');
    expect(mine.text).toMatch(/due in \d+d/);
    expect(mine.text).toContain(`href="/posts/${ids.Alpha}"`);
    // Due in the brand's zone: Beta's owner check is shown in New York time.
    expect(mine.text).toMatch(/11 Jan 2030, 10:00 EST/);
    const maya = await web.signIn('maya');
    // Sign-off is not open until copy review is approved: nothing waits on Maya yet, but she sees all of it.
    expect(rowIds((await page(maya).expect(200)).text)).toEqual([]);
    const all = await page(maya, '/approvals?tab=all').expect(200);
    expect(rowIds(all.text)).toHaveLength(7);
    expect(all.text).toContain('Not your turn');
    expect(all.text).toContain('Theo Writer');
    const beta = await page(maya, '/approvals?tab=all&brand=beta').expect(200);
    expect(rowIds(beta.text)).toEqual([ids['Beta ride']]);
    const overdue = await page(maya, '/approvals?tab=all&due=overdue').expect(200);
    expect(rowIds(overdue.text)).toEqual([]);
  });

  it('decides as the person (htmx: the row becomes its outcome); theo cannot decide Maya’s step', async () => {
    const theo = await web.signIn('theo');
    const answer = await decide(theo, ids.Alpha, { decision: 'approve' }, true).expect(200);
    expect(answer.text).toContain(`<tr id="row-${ids.Alpha}"`);
    expect(answer.text).toContain('Approved at “copy review”: the post is now in review.');
    // Now the sign-off step is open, and it is Maya's.
    const again = await decide(theo, ids.Alpha, { decision: 'approve' }, true).expect(400);
    expect(again.headers['hx-retarget']).toBe('#flash');
    expect(again.text).toContain('theo is not an approver of step &quot;sign-off&quot;');
    const maya = await web.signIn('maya');
    expect(rowIds((await page(maya).expect(200)).text)).toEqual([ids.Alpha]);
    const all = await page(theo, '/approvals?tab=all').expect(200);
    expect(all.text).toMatch(new RegExp(`row-${ids.Alpha}[\\s\\S]*?sign-off[\\s\\S]*?Maya Admin`));
  });

  it('without JavaScript a decision answers 303 back to /approvals, which says what happened', async () => {
    const theo = await web.signIn('theo');
    const missing = await decide(theo, ids.Echo, { decision: 'request_changes', comment: '  ' }).expect(400);
    expect(missing.text).toContain('needs a comment');
    const done = await decide(theo, ids.Echo, {
      decision: 'request_changes',
      comment: 'Shorter, please',
    }).expect(303);
    expect(done.headers.location).toBe(`/approvals?decided=${ids.Echo}`);
    const shown = await page(theo, done.headers.location).expect(200);
    expect(shown.text).toContain(
      'Your decision on <span class="user-text" dir="auto">Echo</span> is recorded',
    );
    expect(shown.text).toContain('the post is now draft');
    expect(rowIds(shown.text)).not.toContain(ids.Echo);
    // The notice is only for a decision this person took.
    const crafted = await page(theo, `/approvals?decided=${ids.Delta}`).expect(200);
    expect(crafted.text).not.toContain('is recorded');
  });

  it('a web decision writes the same audit row as the API, with the person as actor', async () => {
    const theo = await web.signIn('theo');
    await decide(theo, ids.Bravo, { decision: 'approve' }).expect(303);
    const { plaintext } = await new ApiTokenRepository(web.dataSource).create('e2e', {
      scopes: API_SCOPES,
      admin: true,
    });
    await request(web.server)
      .post(`/api/v1/posts/${ids.Charlie}/decisions`)
      .set('Authorization', `Bearer ${plaintext}`)
      .send({ onBehalfOf: 'theo', decision: 'approve' })
      .expect(201);
    const [viaWeb] = await auditRows(web.dataSource, ids.Bravo, 'approval.decided');
    const [viaApi] = await auditRows(web.dataSource, ids.Charlie, 'approval.decided');
    expect(viaWeb).toEqual({
      actor: 'theo',
      action: 'approval.decided',
      subject_type: 'post',
      subject_id: ids.Bravo,
      data: { step: 'copy review', decision: 'approve', overdue: false },
      api_token_id: null,
      on_behalf_by: null,
    });
    // The API row differs only in its subject and in naming the token that acted on theo's behalf.
    expect({ ...viaApi, subject_id: ids.Bravo, api_token_id: null, on_behalf_by: null }).toEqual(viaWeb);
    expect(viaApi.api_token_id).not.toBeNull();
    // The post's own state change is audited as theo too, as from the API.
    expect((await auditRows(web.dataSource, ids.Bravo, 'post.state_changed')).map((r) => r.actor)).toEqual(
      (await auditRows(web.dataSource, ids.Charlie, 'post.state_changed')).map((r) => r.actor),
    );
  });

  it('approves selected posts one by one and says which failed and why', async () => {
    const theo = await web.signIn('theo');
    const answer = await request(web.server)
      .post('/approvals/bulk')
      .set('Cookie', theo.cookie)
      .set('HX-Request', 'true')
      .set('X-CSRF-Token', theo.csrf)
      .type('form')
      .send(`posts=${ids.Delta}&posts=${ids.Alpha}&posts=${ids['Beta ride']}`)
      .expect(200);
    expect(answer.text).toMatch(/^<section id="approvals-list"/);
    expect(answer.text).toMatch(
      /Done<\/span> <span class="user-text" dir="auto">Delta<\/span>: Approved at “copy review”/,
    );
    expect(answer.text).toMatch(
      /Failed<\/span> <span class="user-text" dir="auto">Alpha<\/span>: Not approved: theo is not an approver of step &quot;sign-off&quot;/,
    );
    // Beta's single step approved: the post is scheduled.
    expect(answer.text).toMatch(/Beta ride<\/span>: Approved at “owner check”: the post is now scheduled/);
    expect(rowIds(answer.text)).not.toContain(ids.Delta);
    // Without JavaScript the same form answers with the whole page.
    const none = await request(web.server)
      .post('/approvals/bulk')
      .set('Cookie', theo.cookie)
      .type('form')
      .send({ _csrf: theo.csrf })
      .expect(200);
    expect(none.text).toContain('<h1>Approvals</h1>');
    expect(none.text).toContain('Nothing was selected');
  });

  it('renders a hostile title escaped, without its bidi override, in full', async () => {
    const theo = await web.signIn('theo');
    const shown = await page(theo).expect(200);
    expect(shown.text).not.toContain('<script>alert(1)');
    expect(shown.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(shown.text).not.toContain('\u202E');
    expect(shown.text).toContain('x'.repeat(10_000));
    expect(shown.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(shown.text).not.toMatch(/\sstyle=/);
    expect(shown.text).not.toMatch(/\son[a-z]+=/);
  });
});
