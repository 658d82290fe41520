import request from 'supertest';
import { WEB_CSP } from '../../src/web/security-headers';
import { SignInLinks } from '../../src/web/sign-in/sign-in-links';
import { startWebApp, type WebApp } from './web-app.fixture';

describe('web app: sign-in by link, sessions, CSRF, security headers', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp();
  });

  afterAll(async () => {
    await web.close();
  });

  const linkToken = async (person: string, next?: string) =>
    new URL(await web.app.get(SignInLinks).create(person, next)).searchParams.get('token')!;

  it('a page without a session redirects to sign-in, remembering where it was going', async () => {
    const answer = await request(web.server).get('/?x=1').expect(303);
    expect(answer.headers.location).toBe('/sign-in?next=%2F%3Fx%3D1');
    const htmx = await request(web.server).get('/').set('HX-Request', 'true').expect(401);
    expect(htmx.headers['hx-redirect']).toBe('/sign-in?next=%2F');
  });

  it('the sign-in page is served with a strict Content-Security-Policy and no inline script', async () => {
    const page = await request(web.server).get('/sign-in').expect(200);
    expect(page.headers['content-security-policy']).toBe(WEB_CSP);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.text).not.toMatch(/\son[a-z]+=/);
    expect(page.text).not.toMatch(/\sstyle=/);
  });

  it('opening a link changes nothing (mail scanners); its button signs in once, as a new session', async () => {
    const token = await linkToken('theo', '/approvals');
    const shown = await request(web.server).get(`/sign-in/link?token=${token}`).expect(200);
    expect(shown.text).toContain('Theo Writer');
    expect(shown.headers['set-cookie']).toBeUndefined();
    const used = await request(web.server).post('/sign-in/link').type('form').send({ token }).expect(303);
    expect(used.headers.location).toBe('/approvals');
    const cookie = String(used.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const again = await request(web.server).post('/sign-in/link').type('form').send({ token }).expect(400);
    expect(again.text).toContain('has been used already');
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('a link never sends the person off-site after sign-in', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const token = await linkToken('theo', next);
      const used = await request(web.server).post('/sign-in/link').type('form').send({ token }).expect(303);
      expect(used.headers.location).toBe('/');
    }
  });

  it('a signed-in person sees Today with their brands and roles, and only theirs', async () => {
    const theo = await web.signIn('theo');
    const page = await request(web.server).get('/').set('Cookie', theo.cookie).expect(200);
    expect(page.text).toContain('Acme Coffee');
    expect(page.text).toContain('Beta Bikes');
    const cleo = await web.signIn('cleo');
    const hers = await request(web.server).get('/').set('Cookie', cleo.cookie).expect(200);
    expect(hers.text).toContain('Acme Coffee');
    expect(hers.text).not.toContain('Beta Bikes');
    expect(hers.text).toContain('Client');
    // The System entry is for admins only.
    expect(hers.text).not.toContain('href="/system"');
    const maya = await web.signIn('maya');
    expect((await request(web.server).get('/').set('Cookie', maya.cookie)).text).toContain('href="/system"');
  });

  it('a state-changing form without the CSRF token, or from another origin, is refused', async () => {
    const theo = await web.signIn('theo');
    await request(web.server).post('/sign-out').set('Cookie', theo.cookie).type('form').send({}).expect(403);
    await request(web.server)
      .post('/sign-out')
      .set('Cookie', theo.cookie)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ _csrf: theo.csrf })
      .expect(403);
    // Still signed in after both refusals.
    await request(web.server).get('/').set('Cookie', theo.cookie).expect(200);
  });

  it('signing out ends the session: the same cookie is refused afterwards', async () => {
    const theo = await web.signIn('theo');
    await request(web.server)
      .post('/sign-out')
      .set('Cookie', theo.cookie)
      .type('form')
      .send({ _csrf: theo.csrf })
      .expect(303);
    await request(web.server).get('/').set('Cookie', theo.cookie).expect(303);
  });

  it('assets are served by Metronome itself', async () => {
    const htmx = await request(web.server).get('/assets/htmx.min.js').expect(200);
    expect(htmx.headers['content-type']).toContain('javascript');
    await request(web.server).get('/assets/app.css').expect(200);
    await request(web.server).get('/assets/..%2Fsign-in.hbs').expect(404);
  });
});
