import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ReportRepository } from '../../src/reporting/report.repository';
import { REPORT_PREVIEW_CSP } from '../../src/web/reports/reports-web.controller';
import { startWebApp, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe ${'x'.repeat(10_000)}`;

describe('web app: Reports', () => {
  let web: WebApp;
  let reports: ReportRepository;
  const dir = mkdtempSync(join(tmpdir(), 'metronome-web-reports-'));
  const pdfBytes = Buffer.from('%PDF-1.7\n% a stored report\n%%EOF\n');

  beforeAll(async () => {
    web = await startWebApp();
    reports = new ReportRepository(web.dataSource);
    const now = new Date('2026-11-02T08:00:00Z');
    // acme 2026-10: rendered and stored on disk.
    const stored = join(dir, 'acme-2026-10.pdf');
    writeFileSync(stored, pdfBytes);
    const october = await reports.startRendering('acme', '2026-10', 'standard', now);
    await reports.markRendered(october.id, stored, pdfBytes.byteLength, now);
    // acme 2026-09: rendered, but its file is gone from the disk.
    const september = await reports.startRendering('acme', '2026-09', 'standard', now);
    await reports.markRendered(september.id, join(dir, 'gone.pdf'), 1234, now);
    // acme 2026-08: failed, with a hostile error text.
    const august = await reports.startRendering('acme', '2026-08', 'standard', now);
    await reports.markFailed(august.id, HOSTILE);
    // beta 2026-10: theo's brand, never shown to acme-only people.
    const beta = await reports.startRendering('beta', '2026-07', 'standard', now);
    await reports.markRendered(beta.id, stored, pdfBytes.byteLength, now);
  });

  afterAll(async () => {
    await web.close();
  });

  it('without a session, every reports route sends the browser to sign-in', async () => {
    await request(web.server)
      .get('/reports')
      .expect(303)
      .expect('Location', /^\/sign-in/);
    await request(web.server).get('/brands/acme/reports/2026-10.pdf').expect(303);
    await request(web.server).get('/brands/acme/reports/preview').expect(303);
  });

  it('lists the archive of the brands the person sees, and only those', async () => {
    const cleo = await web.signIn('cleo');
    const page = await request(web.server).get('/reports').set('Cookie', cleo.cookie).expect(200);
    expect(page.text).toContain('Acme Coffee');
    expect(page.text).toContain('2026-10');
    expect(page.text).toContain('href="/brands/acme/reports/2026-10.pdf"');
    expect(page.text).toContain(`${pdfBytes.byteLength} B`);
    expect(page.text).toContain('Rendered, not delivered yet');
    expect(page.text).toContain('Failed');
    expect(page.text).not.toContain('Beta Bikes');
    expect(page.text).not.toContain('2026-07');
    // A client sees the reports but may not render one.
    expect(page.text).not.toContain('Render now');
    const theo = await web.signIn('theo');
    const his = await request(web.server).get('/reports').set('Cookie', theo.cookie).expect(200);
    expect(his.text).toContain('Beta Bikes');
    expect(his.text).toContain('2026-07');
  });

  it('refuses a person without a role: no brand there (404), nothing to list', async () => {
    const nobody = await web.signIn('nobody');
    await request(web.server).get('/reports').set('Cookie', nobody.cookie).expect(403);
    await request(web.server)
      .get('/brands/acme/reports/2026-10.pdf')
      .set('Cookie', nobody.cookie)
      .expect(404);
    const cleo = await web.signIn('cleo');
    await request(web.server).get('/brands/beta/reports/2026-07.pdf').set('Cookie', cleo.cookie).expect(404);
  });

  it('shows a hostile error text escaped, without bidi controls', async () => {
    const maya = await web.signIn('maya');
    const page = await request(web.server).get('/reports').set('Cookie', maya.cookie).expect(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('\u202E');
    // The repository keeps the first 2,000 characters of an error; the page shows all it has.
    expect(page.text).toContain('x'.repeat(1_900));
  });

  it('downloads the stored PDF byte for byte', async () => {
    const cleo = await web.signIn('cleo');
    const answer = await request(web.server)
      .get('/brands/acme/reports/2026-10.pdf')
      .set('Cookie', cleo.cookie)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(answer.headers['content-type']).toContain('application/pdf');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="acme-2026-10.pdf"');
    expect(Buffer.compare(answer.body as Buffer, pdfBytes)).toBe(0);
  });

  it('a missing file is a 404 page saying so, not a 500', async () => {
    const cleo = await web.signIn('cleo');
    const gone = await request(web.server)
      .get('/brands/acme/reports/2026-09.pdf')
      .set('Cookie', cleo.cookie)
      .expect(404);
    expect(gone.headers['content-type']).toContain('text/html');
    expect(gone.text).toContain('missing');
    const never = await request(web.server)
      .get('/brands/acme/reports/2025-01.pdf')
      .set('Cookie', cleo.cookie)
      .expect(404);
    expect(never.text).toContain('not rendered');
  });

  it('"Render now" queues a render for a worker (pending), for people with the reports permission only', async () => {
    const ed = await web.signIn('ed');
    await request(web.server)
      .post('/brands/acme/reports/render')
      .set('Cookie', ed.cookie)
      .type('form')
      .send({ _csrf: ed.csrf, month: '2026-11' })
      .expect(403);
    expect(await reports.list({ brand: 'acme', month: '2026-11' })).toHaveLength(0);
    const maya = await web.signIn('maya');
    await request(web.server)
      .post('/brands/acme/reports/render')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ month: '2026-11' })
      .expect(403);
    const queued = await request(web.server)
      .post('/brands/acme/reports/render')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf, month: '2026-11' })
      .expect(303);
    expect(queued.headers.location).toBe('/reports?queued=acme%3A2026-11#brand-acme');
    const rows = await reports.list({ brand: 'acme', month: '2026-11' });
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('pending');
    const page = await request(web.server)
      .get(queued.headers.location)
      .set('Cookie', maya.cookie)
      .expect(200);
    expect(page.text).toContain('The 2026-11 report is queued');
    // theo reviews acme's copy (view) and owns beta: he may render beta's reports, not acme's.
    const theo = await web.signIn('theo');
    await request(web.server)
      .post('/brands/acme/reports/render')
      .set('Cookie', theo.cookie)
      .type('form')
      .send({ _csrf: theo.csrf, month: '2026-10' })
      .expect(403);
    expect((await reports.list({ brand: 'acme', month: '2026-10' }))[0].status).toBe('rendered');
  });

  it('previews the current month as the report HTML, under its own sandboxed CSP', async () => {
    const cleo = await web.signIn('cleo');
    const preview = await request(web.server)
      .get('/brands/acme/reports/preview')
      .set('Cookie', cleo.cookie)
      .expect(200);
    expect(preview.headers['content-type']).toContain('text/html');
    expect(preview.headers['content-security-policy']).toBe(REPORT_PREVIEW_CSP);
    expect(preview.headers['content-security-policy']).toContain('sandbox');
    expect(preview.text).toContain('<!doctype html>');
    expect(preview.text).toContain('Acme Coffee');
    expect(preview.text).not.toMatch(/<script/i);
    await request(web.server).get('/brands/beta/reports/preview').set('Cookie', cleo.cookie).expect(404);
  });
});
