import { ClockModule } from '../../src/clock/clock.module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../src/config/config.module';
import { PersistenceModule } from '../../src/persistence/persistence.module';
import { PluginHostModule } from '../../src/plugin-host/plugin-host.module';
import { BrowserPool } from '../../src/reporting/browser.pool';
import { ReportRenderService } from '../../src/reporting/report-render.service';
import { ReportingModule } from '../../src/reporting/reporting.module';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig, seedBrand } from './report-fixtures';

describe('ReportingModule', () => {
  let db: TestDatabase;
  let reportsDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    reportsDir = mkdtempSync(join(tmpdir(), 'metronome-reports-'));
  });

  afterAll(async () => {
    await db.dispose();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('wires the render service through Nest and stops Chromium when the application closes', async () => {
    const loaded = reportConfig();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ClockModule,
        PersistenceModule.forRoot({ databaseUrl: db.url, schema: db.schema, runMigrations: true }),
        ConfigModule.forRoot(loaded, loaded.baseDir),
        PluginHostModule,
        ReportingModule.forRoot({ reportsDir }),
      ],
    }).compile();
    const app = await moduleRef.init();
    let pid: number | undefined;
    try {
      await seedBrand(app.get(DataSource), 'northwind', NORTHWIND_CHANNELS);

      const rendered = await app.get(ReportRenderService).render('northwind', '2026-10');

      expect(rendered.filePath).toBe(join(reportsDir, 'northwind', '2026-10.pdf'));
      pid = app.get(BrowserPool).pid;
      expect(pid).toBeDefined();
      expect(() => process.kill(pid!, 0)).not.toThrow();
    } finally {
      await app.close();
    }
    expect(() => process.kill(pid!, 0)).toThrow();
  });
});
