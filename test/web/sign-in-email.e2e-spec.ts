import request from 'supertest';
import { EmailSignIn } from '../../src/web/sign-in/email-sign-in.service';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { startWebApp, WEB_YAML, type WebApp } from './web-app.fixture';

const SENT = 'If that address belongs to someone here, a sign-in link is on its way';

describe('web app: sign-in by e-mail', () => {
  let smtp: TestSmtpServer;
  let web: WebApp;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    web = await startWebApp({
      yaml:
        WEB_YAML +
        `notifiers:\n  mail: { plugin: email, options: { host: 127.0.0.1, port: ${smtp.port}, user: ${smtp.user}, password: ${smtp.password}, from: metronome@agency.example } }\n`,
    });
  });

  afterAll(async () => {
    await web.close();
    await smtp.stop();
  });

  /** Waits for the e-mails the last requests started. */
  const delivered = async () => {
    await Promise.all([...web.app.get(EmailSignIn, { strict: false }).pending]);
  };

  const ask = (email: string, next?: string) =>
    request(web.server)
      .post('/sign-in/email')
      .type('form')
      .send({ email, ...(next ? { next } : {}) });

  it('mails a one-time link to the person whose address it is (case and spaces ignored); the link signs in', async () => {
    const answer = await ask('  Theo@EXAMPLE.com ', '/approvals').expect(200);
    expect(answer.text).toContain(SENT);
    await delivered();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail.subject).toBe('Sign in to Test Agency');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toContain('theo@example.com');
    expect(mail.text).toContain('15 minutes');
    expect(mail.text).toContain('If you did not ask for it, ignore this e-mail');
    const link = /http:\/\/127\.0\.0\.1:3999\/sign-in\/link\?token=[A-Za-z0-9_%-]+/.exec(
      mail.text ?? '',
    )?.[0];
    expect(link).toBeDefined();
    expect(String(mail.html)).toContain(new URL(link!).searchParams.get('token'));
    expect(String(mail.html)).toContain('>Sign in</a>');

    const token = new URL(link!).searchParams.get('token')!;
    const shown = await request(web.server)
      .get(`/sign-in/link?token=${encodeURIComponent(token)}`)
      .expect(200);
    expect(shown.text).toContain('Theo Writer');
    const used = await request(web.server).post('/sign-in/link').type('form').send({ token }).expect(303);
    expect(used.headers.location).toBe('/approvals');
    const cookie = String(used.headers['set-cookie']).split(';')[0];
    const today = await request(web.server).get('/').set('Cookie', cookie).expect(200);
    expect(today.text).toContain('Theo Writer');
    // Once only.
    await request(web.server).post('/sign-in/link').type('form').send({ token }).expect(400);
  });

  it('answers an unknown address exactly as a known one, and sends nothing', async () => {
    const before = smtp.received.length;
    const unknown = await ask('stranger@example.com').expect(200);
    expect(unknown.text).toContain(SENT);
    await delivered();
    expect(smtp.received).toHaveLength(before);
    const known = await ask('rosa@example.com').expect(200);
    const strip = (html: string) => html.replace(/name="email"[^>]*>/, '');
    expect(strip(known.text)).toBe(strip(unknown.text));
    await delivered();
    expect(smtp.received).toHaveLength(before + 1);
  });

  it('limits requests per address (5 per 15 minutes) and per client (20), with a page saying when to retry', async () => {
    for (let i = 0; i < 5; i += 1) {
      await ask('ed@example.com').expect(200);
    }
    const limited = await ask('ED@example.com').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(800);
    expect(limited.text).toContain('Too many sign-in requests');
    expect(limited.text).toContain('Try again after');
    expect(limited.text).not.toContain(SENT);
    await delivered();
    // So far this client asked 1 + 2 + 5 = 8 times (the refused one does not count): 12 more are allowed.
    for (let i = 0; i < 12; i += 1) {
      await ask(`someone${i}@example.com`).expect(200);
    }
    await ask('cleo@client.example').expect(429);
  });
});

describe('web app: sign-in by e-mail without an e-mail notifier', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp();
  });

  afterAll(async () => {
    await web.close();
  });

  it('says e-mail sign-in is not set up and how to get a link instead', async () => {
    const page = await request(web.server).get('/sign-in').expect(200);
    expect(page.text).toContain('Sign-in by e-mail is not set up here');
    expect(page.text).toContain('metronome people login-link');
    expect(page.text).not.toContain('action="/sign-in/email"');
    const answer = await request(web.server)
      .post('/sign-in/email')
      .type('form')
      .send({ email: 'theo@example.com' })
      .expect(503);
    expect(answer.text).toContain('Sign-in by e-mail is not set up here');
    expect(answer.text).not.toContain(SENT);
  });
});
