import { Clock, SYSTEM_CLOCK } from '../../src/clock/clock';
import type { DataSource } from 'typeorm';
import type { LoadedConfig } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { BrowserPool, type BrowserPoolOptions } from '../../src/reporting/browser.pool';
import { ChartRenderer } from '../../src/reporting/chart.renderer';
import { PdfRenderer, type PdfRendererOptions } from '../../src/reporting/pdf.renderer';
import { ReportDataRepository } from '../../src/reporting/report-data.repository';
import { ReportHtmlRenderer } from '../../src/reporting/report-html.renderer';
import { ReportModelBuilder } from '../../src/reporting/report-model.builder';
import { ReportPipeline } from '../../src/reporting/report-pipeline';
import { ReportRenderService } from '../../src/reporting/report-render.service';
import { ReportRepository } from '../../src/reporting/report.repository';

export interface ReportHarness {
  pool: BrowserPool;
  pdf: PdfRenderer;
  pipeline: ReportPipeline;
  builder: ReportModelBuilder;
  contexts: PluginContextFactory;
  service: ReportRenderService;
  reports: ReportRepository;
}

/** The reporting services wired by hand the way ReportingModule wires them, without booting Nest. */
export function reportHarness(
  dataSource: DataSource,
  loaded: LoadedConfig,
  options: {
    reportsDir: string;
    pool?: BrowserPoolOptions;
    pdf?: PdfRendererOptions;
    sharedPool?: BrowserPool;
    /** "Now" for renders that pass none; the system clock by default. */
    clock?: Clock;
  },
): ReportHarness {
  const pool = options.sharedPool ?? new BrowserPool(options.pool);
  const pdf = new PdfRenderer(pool, options.pdf);
  const pipeline = new ReportPipeline(new ChartRenderer(), new ReportHtmlRenderer(), pdf);
  const builder = new ReportModelBuilder(new ReportDataRepository(dataSource));
  const contexts = new PluginContextFactory(new PluginStateRepository(dataSource));
  const reports = new ReportRepository(dataSource);
  const config = new ConfigService(loaded, loaded.baseDir);
  const service = new ReportRenderService(
    config,
    builder,
    pipeline,
    contexts,
    reports,
    options.clock ?? SYSTEM_CLOCK,
    options.reportsDir,
  );
  return { pool, pdf, pipeline, builder, contexts, service, reports };
}
