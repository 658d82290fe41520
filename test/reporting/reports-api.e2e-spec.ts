import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { ReportScheduler } from '../../src/reporting/report.scheduler';

const CONFIG = `
organisation: { name: Test Agency, timezone: Europe/London }
people: { maya: { name: Maya, email: maya@example.com } }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    channels:
      social: { connector: sandbox, options: { handle: acme } }
    reports: { template: standard }
`;

/** Reads a PDF's text with poppler's pdftotext, as a person reading it would see it. */
function pdfText(pdf: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'metronome-pdf-')), 'r.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('reports over HTTP (real server, real SQLite, a worker rendering in real Chromium)', () => {
  const workdir = mkdtempSync(join(tmpdir(), 'metronome-reports-api-'));
  const cwd = process.cwd();
  let app: INestApplication;
  let auth: { Authorization: string };

  beforeAll(async () => {
    writeFileSync(join(workdir, 'metronome.yaml'), CONFIG);
    const loaded = await loadConfiguration(join(workdir, 'metronome.yaml'), { env: {} });
    if (!loaded.ok) {
      throw new Error(JSON.stringify(loaded.issues));
    }
    // PDFs are stored under data/reports relative to the working directory, as in production.
    process.chdir(workdir);
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(workdir, 'api.db')}`, LOG_LEVEL: 'silent' },
      { role: 'all', port: '0' },
    );
    app = await createApp(runtime, loaded.loaded);
    await app.init();
    const { plaintext } = await new ApiTokenRepository(app.get(DataSource)).create('e2e');
    auth = { Authorization: `Bearer ${plaintext}` };
  });

  afterAll(async () => {
    await app.close();
    process.chdir(cwd);
  });

  it('requests a render, lists it, and downloads the PDF once a worker has rendered it', async () => {
    const server = app.getHttpServer();
    expect((await request(server).get('/api/v1/reports').set(auth).expect(200)).body).toEqual([]);

    const requested = await request(server)
      .post('/api/v1/reports')
      .set(auth)
      .send({ brand: 'acme', month: '2026-10' })
      .expect(202);
    expect(requested.body).toMatchObject({
      brand: 'acme',
      month: '2026-10',
      template: 'standard',
      status: 'pending',
      renderedAt: null,
    });
    const id = requested.body.id as string;

    const notYet = await request(server).get(`/api/v1/reports/${id}/pdf`).set(auth).expect(404);
    expect(notYet.body.error.message).toBe(
      'report acme 2026-10 is not rendered (status pending); request a render with POST /api/v1/reports',
    );

    // The worker's next tick renders what was requested.
    await app.get(ReportScheduler).renderRequested();

    const listed = await request(server)
      .get('/api/v1/reports?brand=acme&month=2026-10')
      .set(auth)
      .expect(200);
    expect(listed.body).toEqual([
      expect.objectContaining({
        id,
        status: 'rendered',
        bytes: expect.any(Number),
        renderedAt: expect.any(String),
        deliveredAt: null,
        error: null,
      }),
    ]);
    expect((await request(server).get('/api/v1/reports?month=2026-09').set(auth).expect(200)).body).toEqual(
      [],
    );

    const pdf = await request(server)
      .get(`/api/v1/reports/${id}/pdf`)
      .set(auth)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="acme-2026-10.pdf"');
    const body = pdf.body as Buffer;
    expect(body.byteLength).toBe(listed.body[0].bytes);
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(body)).toContain('Acme Coffee');
  });

  it('says what is wrong with a bad request', async () => {
    const server = app.getHttpServer();
    const unknown = await request(server)
      .post('/api/v1/reports')
      .set(auth)
      .send({ brand: 'nope', month: '2026-10' })
      .expect(400);
    expect(unknown.body.error.message).toBe('unknown brand "nope" (brands: acme)');
    const badMonth = await request(server)
      .post('/api/v1/reports')
      .set(auth)
      .send({ brand: 'acme', month: '2026-13' })
      .expect(400);
    expect(JSON.stringify(badMonth.body)).toContain('write the month as YYYY-MM, e.g. 2026-10');
    await request(server).get('/api/v1/reports?month=October').set(auth).expect(400);
    const missing = await request(server).get('/api/v1/reports/not-a-report/pdf').set(auth).expect(404);
    expect(missing.body.error.message).toBe('no report with id not-a-report: see GET /api/v1/reports');
    await request(server).get('/api/v1/reports').expect(401);
  });
});
