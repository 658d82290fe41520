import { Module } from '@nestjs/common';
import { BrowserPool } from '../../reporting/browser.pool';
import { ChartRenderer } from '../../reporting/chart.renderer';
import { PdfRenderer } from '../../reporting/pdf.renderer';
import { ReportDataRepository } from '../../reporting/report-data.repository';
import { ReportHtmlRenderer } from '../../reporting/report-html.renderer';
import { ReportModelBuilder } from '../../reporting/report-model.builder';
import { ReportPipeline } from '../../reporting/report-pipeline';
import { ReportRepository } from '../../reporting/report.repository';
import { WebCoreModule } from '../web-core.module';
import { ReportsWebController } from './reports-web.controller';

/**
 * The Reports screen (api role). The api role runs no Chromium: renders are queued for a worker like the REST
 * API does; the HTML preview uses the pipeline's HTML step only (`ReportPipeline.toHtml`). PdfRenderer and
 * BrowserPool are here only because ReportPipeline's constructor takes them: the browser starts on the first
 * PDF, which this module never asks for.
 */
@Module({
  // forwardRef: web.module.ts imports this file to list the screen, and this one imports WebCoreModule from it.
  imports: [WebCoreModule],
  providers: [
    ReportRepository,
    ReportDataRepository,
    ReportModelBuilder,
    ChartRenderer,
    ReportHtmlRenderer,
    BrowserPool,
    PdfRenderer,
    ReportPipeline,
  ],
  controllers: [ReportsWebController],
})
export class ReportsWebModule {}
