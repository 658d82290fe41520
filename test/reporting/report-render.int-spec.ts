import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ReportEntity } from '../../src/reporting/report.entity';
import { BrowserPool } from '../../src/reporting/browser.pool';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig, seedBrand } from './report-fixtures';
import { seedRealisticMonth, type SeededMonth } from './realistic-month';
import { reportHarness, type ReportHarness } from './report-harness';
import { pdfPages, pdfText } from './pdf-text';

const NOW = new Date('2026-11-02T07:00:00.000Z');
const count = new Intl.NumberFormat('en-GB');

describe('report rendering (Chromium, SQLite)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let reportsDir: string;
  let pool: BrowserPool;
  let northwind: ReportHarness;
  let seeded: SeededMonth;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    reportsDir = mkdtempSync(join(tmpdir(), 'metronome-reports-'));
    pool = new BrowserPool();
    seeded = await seedRealisticMonth(dataSource, { brandId: 'northwind', month: '2026-10' });
    northwind = reportHarness(dataSource, reportConfig(), { reportsDir, sharedPool: pool });
  });

  afterAll(async () => {
    await pool.close();
    await db.dispose();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('renders a month into a stored PDF whose text carries the figures computed from the data', async () => {
    const rendered = await northwind.service.render('northwind', '2026-10', { now: NOW });

    const file = join(reportsDir, 'northwind', '2026-10.pdf');
    expect(rendered.filePath).toBe(file);
    expect(statSync(file).size).toBe(rendered.pdf.byteLength);
    const row = await dataSource.getRepository(ReportEntity).findOneByOrFail({ id: rendered.reportId });
    expect(row).toMatchObject({
      status: 'rendered',
      filePath: file,
      bytes: rendered.pdf.byteLength,
      template: 'standard',
    });

    const pages = pdfPages(file);
    expect(pages).toBeGreaterThanOrEqual(8);
    expect(pages).toBeLessThanOrEqual(12);
    const text = pdfText(file);
    const end = [...seeded.followersEnd.values()].reduce((a, b) => a + b, 0);
    const growth = end - [...seeded.followersBefore.values()].reduce((a, b) => a + b, 0);
    expect(text).toContain(
      `ended the month with ${count.format(end)} followers (▲ ${count.format(growth)} in the month)`,
    );
    expect(text).toContain(`${count.format(seeded.followersEnd.get('mastodon')!)}`);
    const published = [...seeded.published.values()].reduce((a, b) => a + b, 0);
    expect(text).toContain(`Northwind Outdoor published ${published} posts`);
    for (const heading of [
      'Executive summary',
      'What worked',
      'What stalled',
      'What to change next month',
      'KPIs by channel',
      'Audience growth',
      'Reach and engagement',
      'Publishing against plan',
      'Approvals',
      'Inbox and response times',
      'Top and bottom posts',
      'Definitions',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('Approvals are stalling');
    expect(text).toContain('October 2026 has 31 days and 745 hours: clocks went back on 25 October 2026');
    // Page numbers come from CSS @page margin boxes; the cover has none.
    expect(text).toContain(`Page 2 of ${pages}`);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(pdfText(file, { first: 1, last: 1 })).not.toContain('Page 1 of');
  });

  it('reuses one Chromium across renders and keeps one row per brand, month and template', async () => {
    const pid = pool.pid;
    const launches = pool.launches;

    await Promise.all([
      northwind.service.render('northwind', '2026-10', { now: NOW }),
      northwind.service.render('northwind', '2026-09', { now: NOW }),
    ]);

    expect(pool.pid).toBe(pid);
    expect(pool.launches).toBe(launches);
    expect(await dataSource.getRepository(ReportEntity).countBy({ brandId: 'northwind' })).toBe(2);
  });

  it('renders a month with no data as a short "no data yet" report', async () => {
    await seedBrand(dataSource, 'quiet', NORTHWIND_CHANNELS);
    const quiet = reportHarness(dataSource, reportConfig({ brandId: 'quiet' }), {
      reportsDir,
      sharedPool: pool,
    });

    const rendered = await quiet.service.render('quiet', '2027-01', { now: NOW });

    const text = pdfText(rendered.filePath);
    expect(text).toContain('No data yet for January 2027');
    expect(text).toContain('Collect a full month of data');
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('renders a brand with a single channel', async () => {
    const channels = [NORTHWIND_CHANNELS[1]];
    const solo = await seedRealisticMonth(dataSource, {
      brandId: 'solo',
      month: '2026-10',
      channels,
      seed: 3,
    });
    const harness = reportHarness(dataSource, reportConfig({ brandId: 'solo', channels }), {
      reportsDir,
      sharedPool: pool,
    });

    const rendered = await harness.service.render('solo', '2026-10', { now: NOW });

    const text = pdfText(rendered.filePath);
    expect(text).toContain(
      `ended the month with ${count.format(solo.followersEnd.get('mastodon')!)} followers`,
    );
    expect(text).toContain('Followers fell on Mastodon');
    expect(text).not.toContain('Bluesky');
  });

  it('refuses a template that is not loaded, naming the ones that are', async () => {
    const harness = reportHarness(dataSource, reportConfig({ template: 'glossy' }), {
      reportsDir,
      sharedPool: pool,
    });

    await expect(harness.service.render('northwind', '2026-10')).rejects.toThrow(
      'report template "glossy" for brand "northwind" is not available: loaded templates are standard',
    );
  });
});
