import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { ReportTemplatePlugin } from '../../src/plugin-sdk';
import { ChartRenderer } from '../../src/reporting/chart.renderer';
import { REPORT_CSP } from '../../src/reporting/report-html.renderer';
import type { ReportModel } from '../../src/reporting/report-model';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { reportConfig } from './report-fixtures';
import { seedRealisticMonth } from './realistic-month';
import { reportHarness, type ReportHarness } from './report-harness';

const TEMPLATE_DIR = join(__dirname, '..', '..', 'templates', 'reports', 'standard');

describe('report HTML document (no browser)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let harness: ReportHarness;
  let model: ReportModel;
  let plugin: ReportTemplatePlugin;
  const loaded = reportConfig();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    await seedRealisticMonth(dataSource, { brandId: 'northwind', month: '2026-10' });
    // The pool launches Chromium lazily: nothing here renders a PDF, so no browser starts.
    harness = reportHarness(dataSource, loaded, { reportsDir: 'unused', pool: {} });
    model = await harness.builder.build(loaded.config, 'northwind', '2026-10', {
      now: new Date('2026-11-02T07:00:00Z'),
    });
    plugin = loaded.plugins.find('report-template', 'standard')!;
  });

  afterAll(async () => {
    await harness.pool.close();
    await db.dispose();
  });

  const prepare = (options: Record<string, unknown>) =>
    harness.pipeline.prepare(plugin, options, harness.contexts.create('standard', 'northwind'));

  it('never prints anything unescaped: the standard templates contain no triple-stash', () => {
    const files = readdirSync(TEMPLATE_DIR).filter((f) => f.endsWith('.hbs'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const file of files) {
      const source = readFileSync(join(TEMPLATE_DIR, file), 'utf8');
      expect({ file, raw: /\{\{\{|\{\{&/.test(source) }).toEqual({ file, raw: false });
    }
  });

  it('opens every document with the charset and the CSP, and carries no script', async () => {
    const html = harness.pipeline.toHtml(model, await prepare({ accentColor: '#0f766e' }));

    const head = html.slice(0, html.indexOf('<title>'));
    expect(head).toBe(
      `<!doctype html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">\n`,
    );
    expect(REPORT_CSP).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:");
    expect(html).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
    expect(html).toContain('style="--accent: #0f766e"');
  });

  it('shows each network’s figures under the names its connector declares (SDK 2.2 metricNames)', async () => {
    const named = await harness.builder.build(loaded.config, 'northwind', '2026-10', {
      now: new Date('2026-11-02T07:00:00Z'),
      metricNames: (connector) =>
        connector === 'bluesky'
          ? {
              followers: 'Followers',
              impressions: 'Views',
              engagements: { reposts: 'Reposts', likes: 'Likes' },
            }
          : undefined,
    });
    const html = harness.pipeline.toHtml(named, await prepare({}));
    const table = html.slice(html.indexOf('Each network’s own figures'));
    expect(table.length).toBeLessThan(html.length);
    const bluesky = named.reach.byNetwork.find((row) => row.connector === 'bluesky')!;
    expect(bluesky.figures.map((f) => f.name)).toEqual([
      'Followers',
      'Views',
      'Link clicks',
      'Reposts',
      'Likes',
      'Replies',
    ]);
    expect(table).toMatch(
      /Bluesky<\/strong><\/td>\s*<td class="left"><span class="network-figure">Followers <strong>[\d,]+<\/strong>/,
    );
    expect(table).toContain('<span class="network-figure">Views <strong>');
    // Without names, Mastodon's figures keep the common ones.
    expect(table).toContain('<span class="network-figure">Impressions <strong>');
  });

  it('renders charts as deterministic SVG whose ids do not clash within a document', () => {
    const charts = new ChartRenderer();
    const first = charts.render(model);
    const second = charts.render(model);

    expect(second).toEqual(first);
    const svg = Object.values(first).join('\n');
    expect(svg).not.toMatch(/<script|<style|animation/i);
    const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.audience).toMatch(/^<svg role="img" aria-label="audience chart" width="680" height="250"/);
  });

  it('shows "No data yet" in a chart without figures instead of an empty axis', () => {
    const empty: ReportModel = { ...model, reach: { ...model.reach, hasData: false } };
    expect(new ChartRenderer().render(empty).reach).toContain('No data yet');
  });

  it('rejects template options that fail the plugin’s schema, naming the field', async () => {
    await expect(prepare({ accentColor: 'red' })).rejects.toThrow(
      'report template "standard" rejected its options: accentColor: must be a hex colour such as "#2457d6"',
    );
  });
});
