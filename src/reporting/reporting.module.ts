import { Module, type DynamicModule } from '@nestjs/common';
import { EscalationsModule } from '../escalations/escalations.module';
import { BROWSER_POOL_OPTIONS, BrowserPool, type BrowserPoolOptions } from './browser.pool';
import { ChartRenderer } from './chart.renderer';
import { PDF_RENDERER_OPTIONS, PdfRenderer, type PdfRendererOptions } from './pdf.renderer';
import { ReportDataRepository } from './report-data.repository';
import { ReportHtmlRenderer } from './report-html.renderer';
import { ReportModelBuilder } from './report-model.builder';
import { ReportPipeline } from './report-pipeline';
import { DEFAULT_REPORTS_DIR, REPORTS_DIR, ReportRenderService } from './report-render.service';
import { ReportRepository } from './report.repository';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportScheduler } from './report.scheduler';
import { ReportsController } from './reports.controller';

export interface ReportingModuleOptions {
  /** Where PDFs are stored; default `data/reports` (relative to the working directory, like the SQLite file). */
  reportsDir?: string;
  browser?: BrowserPoolOptions;
  pdf?: PdfRendererOptions;
  /** false: render on demand only (the CLI); default: workers also render and deliver on each brand's schedule. */
  schedule?: boolean;
}

/**
 * Monthly reports: model, charts, HTML, PDF. Needs the global persistence (its repositories read the database), ConfigService and
 * PluginContextFactory. Chromium starts on the first render, not at boot, so roles that never render
 * reports never pay for a browser; it stops when the application shuts down.
 */
@Module({})
export class ReportingModule {
  static forRoot(options: ReportingModuleOptions = {}): DynamicModule {
    return {
      module: ReportingModule,
      imports: [EscalationsModule],
      providers: [
        ReportDeliveryService,
        ...(options.schedule === false ? [] : [ReportScheduler]),
        { provide: REPORTS_DIR, useValue: options.reportsDir ?? DEFAULT_REPORTS_DIR },
        { provide: BROWSER_POOL_OPTIONS, useValue: options.browser ?? {} },
        { provide: PDF_RENDERER_OPTIONS, useValue: options.pdf ?? {} },
        ReportDataRepository,
        ReportRepository,
        ReportModelBuilder,
        ChartRenderer,
        ReportHtmlRenderer,
        BrowserPool,
        PdfRenderer,
        ReportPipeline,
        ReportRenderService,
      ],
      exports: [ReportRenderService, ReportModelBuilder, ReportDeliveryService],
    };
  }
}

/** The reports API (list, download, request a render), served by the api role: no Chromium needed. */
@Module({ providers: [ReportRepository], controllers: [ReportsController] })
export class ReportsApiModule {}
