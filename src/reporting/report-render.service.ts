import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import { PluginContextFactory } from '../plugin-host/plugin-context.factory';
import { ReportModelBuilder, type ReportBuildOptions } from './report-model.builder';
import type { ReportModel } from './report-model';
import { assertMonth } from './report-period';
import { ReportPipeline } from './report-pipeline';
import { ReportRepository } from './report.repository';
import { UnavailableError } from '../errors/domain.error';

export const REPORTS_DIR = Symbol('REPORTS_DIR');

/** Where PDFs are kept: under the data volume, beside the SQLite file. */
export const DEFAULT_REPORTS_DIR = join('data', 'reports');

const DEFAULT_TEMPLATE = 'standard';

export interface RenderReportOptions extends ReportBuildOptions {
  /** Per-render budget for Chromium; see PdfRenderer. */
  timeoutMs?: number;
}

export interface RenderedReport {
  reportId: string;
  template: string;
  /** Path of the stored PDF, as recorded in the `reports` row. */
  filePath: string;
  pdf: Uint8Array;
  model: ReportModel;
  /** Requests the document attempted and was refused; non-empty means the template references the network. */
  blockedRequests: string[];
}

/** The brand or its template plugin is not there: rendering cannot happen until the config is fixed. */
export class ReportTemplateMissingError extends UnavailableError {}

/**
 * (brand, month) → report model → the brand's template plugin → HTML → PDF, stored under
 * `data/reports/<brand>/<month>.pdf` with its row in `reports`. Delivery is a later step that reads the row.
 */
@Injectable()
export class ReportRenderService {
  private readonly logger = new Logger('Reports');

  constructor(
    private readonly config: ConfigService,
    private readonly builder: ReportModelBuilder,
    private readonly pipeline: ReportPipeline,
    private readonly contexts: PluginContextFactory,
    private readonly reports: ReportRepository,
    private readonly clock: Clock,
    @Optional() @Inject(REPORTS_DIR) private readonly reportsDir: string = DEFAULT_REPORTS_DIR,
  ) {}

  async render(brandId: string, month: string, options: RenderReportOptions = {}): Promise<RenderedReport> {
    assertMonth(month);
    const loaded = this.config.loaded;
    const brand = loaded.config.brands[brandId];
    const templateName = brand?.reports?.template ?? DEFAULT_TEMPLATE;
    const plugin = loaded.plugins.find('report-template', templateName);
    if (!brand || !plugin) {
      throw new ReportTemplateMissingError(
        !brand
          ? `unknown brand "${brandId}": the configuration has ${Object.keys(loaded.config.brands).join(', ') || 'no brands'}`
          : `report template "${templateName}" for brand "${brandId}" is not available: ${
              loaded.plugins.failure(templateName, 'report-template') ??
              `loaded templates are ${loaded.plugins.names('report-template').join(', ') || 'none'}`
            }`,
      );
    }
    const now = options.now ?? this.clock.now();
    const row = await this.reports.startRendering(brandId, month, templateName, now);
    try {
      const template = await this.pipeline.prepare(
        plugin,
        brand.reports?.templateOptions ?? {},
        this.contexts.create(plugin.name, brandId),
      );
      const model = await this.builder.build(loaded.config, brandId, month, {
        ...options,
        now,
        metricNames: (connector) => loaded.plugins.find('connector', connector)?.capabilities.metricNames,
      });
      const document = await this.pipeline.render(model, template, options.timeoutMs);
      if (document.blockedRequests.length > 0) {
        this.logger.warn(
          `report ${brandId}/${month}: template "${templateName}" tried to load ${document.blockedRequests.length} external resource(s), all blocked: ${document.blockedRequests.slice(0, 3).join(', ')}`,
        );
      }
      const filePath = await this.store(brandId, month, document.bytes);
      await this.reports.markRendered(row.id, filePath, document.bytes.byteLength, this.clock.now());
      return {
        reportId: row.id,
        template: templateName,
        filePath,
        pdf: document.bytes,
        model,
        blockedRequests: document.blockedRequests,
      };
    } catch (error) {
      await this.reports.markFailed(row.id, (error as Error).message);
      throw error;
    }
  }

  /** Written beside and renamed into place, so a reader never sees half a PDF. */
  private async store(brandId: string, month: string, bytes: Uint8Array): Promise<string> {
    const folder = join(this.reportsDir, brandId);
    const filePath = join(folder, `${month}.pdf`);
    await mkdir(folder, { recursive: true });
    // Unique per write: two renders of the same report in one process must not share a partial file.
    const partial = `${filePath}.${randomUUID()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, filePath);
    return filePath;
  }
}
