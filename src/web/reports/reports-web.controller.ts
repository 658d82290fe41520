import { Body, Get, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DateTime } from 'luxon';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { UnavailableError } from '../../errors/domain.error';
import { PluginContextFactory } from '../../plugin-host/plugin-context.factory';
import { ReportModelBuilder } from '../../reporting/report-model.builder';
import { ReportPipeline } from '../../reporting/report-pipeline';
import type { ReportEntity } from '../../reporting/report.entity';
import { ReportRepository } from '../../reporting/report.repository';
import { WebViews } from '../rendering/web-views';
import { WebAccess, WebController } from '../web-access.decorator';
import type { WebRequest } from '../web-user';

/** Same default as the REST API and the render service: a brand without `reports.template` uses it. */
const DEFAULT_TEMPLATE = 'standard';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const renderBody = z.looseObject({
  month: z.string().regex(MONTH, { error: 'write the month as YYYY-MM, e.g. 2026-10' }).optional(),
});

/**
 * The preview is the report's own HTML document (inline <style>, charts as inline SVG), which the web app's
 * strict CSP would block. It gets a policy of its own, the one the PDF renderer uses: nothing may load from
 * anywhere (default-src 'none'), inline styles and data: images only, no script at all; `sandbox` puts it in a
 * unique origin with scripts, forms and popups disabled, so a template cannot act with the person's session.
 */
export const REPORT_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

const STATUS_LABELS: Record<ReportEntity['status'], { label: string; badge: string }> = {
  pending: { label: 'Waiting for a worker', badge: 'info' },
  rendering: { label: 'Rendering', badge: 'info' },
  rendered: { label: 'Rendered, not delivered yet', badge: 'warn' },
  delivering: { label: 'Delivering', badge: 'info' },
  delivered: { label: 'Delivered', badge: 'ok' },
  failed: { label: 'Failed', badge: 'danger' },
};

function size(bytes: number | null): string {
  if (bytes === null) {
    return '';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Reports: each brand's archive of rendered reports, downloads, "Render now" (queued) and an HTML preview. */
@WebController()
export class ReportsWebController {
  constructor(
    private readonly views: WebViews,
    private readonly config: ConfigService,
    private readonly reports: ReportRepository,
    private readonly builder: ReportModelBuilder,
    private readonly pipeline: ReportPipeline,
    private readonly contexts: PluginContextFactory,
    private readonly clock: Clock,
  ) {}

  @WebAccess('view')
  @Get('reports')
  async archive(@Req() request: WebRequest): Promise<string> {
    const user = request.webUser!;
    const brands = user.brandsWhere('view');
    const rows = brands.length > 0 ? await this.reports.list({ brands }) : [];
    const config = this.config.loaded.config.brands;
    const now = this.clock.now();
    // After "Render now" (a plain POST, then 303 here): which report was queued, as `<brand>:<month>`.
    const queued = typeof request.query.queued === 'string' ? request.query.queued.split(':') : [];
    return this.views.page(
      request,
      'reports',
      { title: 'Reports', screen: 'reports', styles: ['reports'] },
      {
        brands: brands.map((id) => {
          const brand = config[id];
          return {
            id,
            name: brand.name,
            timezone: brand.timezone,
            currentMonth: this.monthOf(now, brand.timezone),
            canRender: user.can(id, 'reports'),
            queuedMonth: queued[0] === id && MONTH.test(queued[1] ?? '') ? queued[1] : undefined,
            reports: rows
              .filter((row) => row.brandId === id)
              .map((row) => ({
                month: row.month,
                template: row.template,
                status: row.status,
                statusLabel: STATUS_LABELS[row.status]?.label ?? row.status,
                badge: STATUS_LABELS[row.status]?.badge ?? 'info',
                renderedAt: row.renderedAt,
                deliveredAt: row.deliveredAt,
                nextDeliveryAt: row.status === 'rendered' ? row.nextDeliveryAt : null,
                error: row.error,
                size: size(row.bytes),
                downloadable: row.filePath !== null && row.renderedAt !== null,
              })),
          };
        }),
      },
    );
  }

  @WebAccess('view', 'brand')
  @Get('brands/:brand/reports/preview')
  async preview(
    @Param('brand') brandId: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const loaded = this.config.loaded;
    const brand = loaded.config.brands[brandId];
    const templateName = brand.reports?.template ?? DEFAULT_TEMPLATE;
    const plugin = loaded.plugins.find('report-template', templateName);
    if (!plugin) {
      throw new UnavailableError(
        `report template "${templateName}" is not available: ${
          loaded.plugins.failure(templateName, 'report-template') ?? 'it is not loaded'
        }`,
      );
    }
    const now = this.clock.now();
    // The same steps as ReportRenderService.render, up to the HTML: no Chromium, nothing stored.
    const template = await this.pipeline.prepare(
      plugin,
      brand.reports?.templateOptions ?? {},
      this.contexts.create(plugin.name, brandId),
    );
    const model = await this.builder.build(loaded.config, brandId, this.monthOf(now, brand.timezone), {
      now,
      metricNames: (connector) => loaded.plugins.find('connector', connector)?.capabilities.metricNames,
    });
    const html = this.pipeline.toHtml(model, template);
    response.setHeader('Content-Security-Policy', REPORT_PREVIEW_CSP);
    response.type('html');
    return html;
  }

  @WebAccess('view', 'brand')
  @Get('brands/:brand/reports/:period.pdf')
  async download(
    @Param('brand') brandId: string,
    @Param('period') period: string,
    @Res() response: Response,
  ): Promise<void> {
    if (!MONTH.test(period)) {
      throw new NotFoundException(`no report for "${period}": reports are named by month, e.g. 2026-10.pdf`);
    }
    const rows = (await this.reports.list({ brand: brandId, month: period })).filter(
      (row) => row.filePath !== null && row.renderedAt !== null,
    );
    const template = this.config.loaded.config.brands[brandId].reports?.template ?? DEFAULT_TEMPLATE;
    const row = rows.find((candidate) => candidate.template === template) ?? rows[0];
    if (!row) {
      throw new NotFoundException(`the report of ${brandId} for ${period} is not rendered (yet)`);
    }
    let pdf: Buffer;
    try {
      pdf = await readFile(row.filePath!);
    } catch {
      throw new NotFoundException(
        `the PDF of the ${period} report is missing from the server's storage: render it again with “Render now”`,
      );
    }
    response
      .status(200)
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="${brandId}-${period}.pdf"`)
      .setHeader('Content-Length', String(pdf.byteLength))
      .end(pdf);
  }

  /** Like POST /api/v1/reports: the row is set to `pending` and a worker renders it on its next tick. */
  @WebAccess('reports', 'brand')
  @Post('brands/:brand/reports/render')
  async render(
    @Param('brand') brandId: string,
    @Body({ schema: renderBody }) body: z.output<typeof renderBody>,
    @Res() response: Response,
  ): Promise<void> {
    const brand = this.config.loaded.config.brands[brandId];
    const now = this.clock.now();
    const month = body.month ?? this.monthOf(now, brand.timezone);
    await this.reports.requestRender(brandId, month, brand.reports?.template ?? DEFAULT_TEMPLATE, now);
    response.redirect(303, `/reports?queued=${encodeURIComponent(`${brandId}:${month}`)}#brand-${brandId}`);
  }

  private monthOf(now: Date, timeZone: string): string {
    return DateTime.fromJSDate(now, { zone: timeZone }).toFormat('yyyy-MM');
  }
}
