import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { defineReportTemplate } from '../../src/plugin-sdk';
import { BrowserPool } from '../../src/reporting/browser.pool';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig, seedBrand, seedPost } from './report-fixtures';
import { reportHarness } from './report-harness';
import { pdfText, writePdf } from './pdf-text';

const NOW = new Date('2026-11-02T07:00:00.000Z');

/** Publishes a post on 10 October with a week of figures, so it is listed among the top and bottom posts. */
async function postWithFigures(
  dataSource: DataSource,
  brandId: string,
  channel: Parameters<typeof seedPost>[1]['channel'],
  title: string,
  text: string,
  day: number,
): Promise<void> {
  const at = new Date(Date.UTC(2026, 9, day, 8, 0));
  await seedPost(dataSource, {
    brandId,
    channel,
    title,
    text,
    scheduledAt: at,
    publishedAt: at,
    state: 'published',
    daily: [0, 1, 2].map((age) => ({
      day: `2026-10-${String(day + age).padStart(2, '0')}`,
      impressions: 500 - age * 100 - day,
      likes: 30 - age * 5,
    })),
  });
}

describe('report rendering is isolated from the network and from user text', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let reportsDir: string;
  let pool: BrowserPool;
  let server: Server;
  let hits: string[];
  let origin: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    reportsDir = mkdtempSync(join(tmpdir(), 'metronome-reports-'));
    pool = new BrowserPool();
    hits = [];
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    expect(hits).toEqual([]);
  });

  afterAll(async () => {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
    await db.dispose();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('prints hostile captions and titles as text: no markup, no template evaluation, no request', async () => {
    const channels = await seedBrand(dataSource, 'hostile', NORTHWIND_CHANNELS);
    const bluesky = channels.get('bluesky')!;
    const captions = [
      `<script>document.title='owned'</script> launch day`,
      `{{constructor}} {{#each this}}x{{/each}} {{> cover}} templating`,
      `<img src="${origin}/caption.png"> look at this`,
    ];
    for (const [i, caption] of captions.entries()) {
      await postWithFigures(dataSource, 'hostile', bluesky, `<b>Post ${i}</b> & "friends"`, caption, 10 + i);
    }
    const loaded = reportConfig({ brandId: 'hostile' });
    loaded.config.brands.hostile.name = 'Northwind "Outdoor" </style><i>';
    const harness = reportHarness(dataSource, loaded, { reportsDir, sharedPool: pool });

    const rendered = await harness.service.render('hostile', '2026-10', { now: NOW });

    const text = pdfText(rendered.filePath);
    for (const caption of captions) {
      expect(text).toContain(caption);
    }
    expect(text).toContain('<b>Post 1</b> & "friends"');
    // The brand name reaches the page footer through a CSS string: quotes and </style> stay text there too.
    expect(text).toContain('Northwind "Outdoor" </style><i> · October 2026');
    expect(rendered.blockedRequests).toEqual([]);
  });

  it('keeps emoji and CJK captions in the PDF text layer', async () => {
    const channels = await seedBrand(dataSource, 'global', NORTHWIND_CHANNELS);
    const captions = [
      'Autumn colours 🍂🥾 on the ridge',
      '紅葉の季節、山道を歩こう',
      '가을 산행 준비물 체크리스트',
      '秋季徒步路线推荐',
    ];
    for (const [i, caption] of captions.entries()) {
      await postWithFigures(dataSource, 'global', channels.get('mastodon')!, `Post ${i}`, caption, 5 + i);
    }
    const harness = reportHarness(dataSource, reportConfig({ brandId: 'global' }), {
      reportsDir,
      sharedPool: pool,
    });

    const rendered = await harness.service.render('global', '2026-10', { now: NOW });

    const text = pdfText(rendered.filePath);
    for (const caption of captions) {
      expect(text).toContain(caption);
    }
  });

  it('lets a template that points at a local server make no request at all', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'metronome-hostile-template-'));
    writeFileSync(
      join(folder, 'main.hbs'),
      [
        `<img src="${origin}/img.png">`,
        `<link rel="stylesheet" href="${origin}/style.css">`,
        `<style>@import url("${origin}/import.css"); body { background: url("${origin}/bg.png"); }`,
        `@font-face { font-family: remote; src: url("${origin}/font.woff2"); } p { font-family: remote; }</style>`,
        `<iframe src="${origin}/frame.html"></iframe>`,
        `<script src="${origin}/script.js"></script>`,
        `<object data="${origin}/object.svg"></object>`,
        `<video poster="${origin}/poster.png"></video>`,
        `<svg><image href="${origin}/svg-image.png" width="10" height="10"/></svg>`,
        `<p>Hostile template for {{brand.name}}</p>`,
      ].join('\n'),
    );
    const loaded = reportConfig({ template: 'hostile', templateOptions: {} });
    loaded.plugins.add({
      status: 'loaded',
      name: 'hostile',
      kind: 'report-template',
      version: '1.0.0',
      origin: { type: 'path', path: folder },
      definition: defineReportTemplate({
        kind: 'report-template',
        name: 'hostile',
        version: '1.0.0',
        sdk: '^1.0.0',
        create: () => ({
          main: join(folder, 'main.hbs'),
          styles: [`h1 { background-image: url("${origin}/styles-option.png"); }`],
        }),
      }),
    });
    await seedBrand(dataSource, 'northwind', NORTHWIND_CHANNELS);
    const harness = reportHarness(dataSource, loaded, { reportsDir, sharedPool: pool });

    const rendered = await harness.service.render('northwind', '2026-10', { now: NOW });

    expect(pdfText(rendered.filePath)).toContain('Hostile template for Northwind Outdoor');
    rmSync(folder, { recursive: true, force: true });
  });

  it('aborts every non-data: request even in HTML without the CSP meta tag', async () => {
    const harness = reportHarness(dataSource, reportConfig(), { reportsDir, sharedPool: pool });
    const html = [
      `<img src="${origin}/direct.png">`,
      `<link rel="stylesheet" href="${origin}/direct.css">`,
      `<iframe src="${origin}/direct-frame.html"></iframe>`,
      // Resource hints: Chromium's prefetch is not a request of the page, so interception never sees it.
      `<link rel="prefetch" href="${origin}/prefetch.js">`,
      `<link rel="preload" as="image" href="${origin}/preload.png">`,
      `<link rel="preconnect" href="${origin}">`,
      `<link rel="modulepreload" href="${origin}/module.js">`,
      `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
      '<p>No CSP here</p>',
    ].join('\n');

    const result = await harness.pdf.render(html);

    expect(result.blockedRequests).toEqual(
      expect.arrayContaining([`${origin}/direct.png`, `${origin}/direct.css`, `${origin}/direct-frame.html`]),
    );
    expect(result.blockedRequests.some((url) => url.startsWith('data:'))).toBe(false);
    expect(pdfText(writePdf(join(reportsDir, 'no-csp.pdf'), result.bytes))).toContain('No CSP here');
  });
});
