import { Injectable } from '@nestjs/common';
import type { PluginContext, ReportTemplate, ReportTemplatePlugin } from '../plugin-sdk';
import { validatePluginOptions } from '../plugin-host/plugin-options.validator';
import { ChartRenderer, DEFAULT_CHART_THEME, type ChartTheme } from './chart.renderer';
import { PdfRenderer, type PdfResult } from './pdf.renderer';
import { ReportHtmlRenderer, type CompiledReportTemplate } from './report-html.renderer';
import type { ReportModel } from './report-model';

/** A template plugin instantiated with its options and compiled: ready to render any number of models. */
export interface PreparedTemplate {
  readonly name: string;
  readonly compiled: CompiledReportTemplate;
  readonly options: Record<string, unknown>;
  readonly chartTheme: ChartTheme;
}

export interface RenderedDocument extends PdfResult {
  html: string;
}

/**
 * Proposed SDK addition (`ReportTemplate.chartTheme`): a template may give the host-rendered charts its
 * colours and fonts. Read defensively until the SDK declares it.
 */
function chartThemeOf(template: ReportTemplate): ChartTheme {
  const theme = (template as ReportTemplate & { chartTheme?: Partial<ChartTheme> }).chartTheme;
  if (!theme || typeof theme !== 'object') {
    return DEFAULT_CHART_THEME;
  }
  return {
    palette:
      Array.isArray(theme.palette) &&
      theme.palette.every((c) => typeof c === 'string') &&
      theme.palette.length > 0
        ? theme.palette
        : DEFAULT_CHART_THEME.palette,
    fontFamily: typeof theme.fontFamily === 'string' ? theme.fontFamily : DEFAULT_CHART_THEME.fontFamily,
    textColor: typeof theme.textColor === 'string' ? theme.textColor : DEFAULT_CHART_THEME.textColor,
    gridColor: typeof theme.gridColor === 'string' ? theme.gridColor : DEFAULT_CHART_THEME.gridColor,
  };
}

/** Model → charts → HTML → PDF. Knows nothing of the database or the config: the render service does. */
@Injectable()
export class ReportPipeline {
  /** Compiled templates by plugin definition, then options: a config reload brings new definitions. */
  private readonly prepared = new WeakMap<object, Map<string, Promise<PreparedTemplate>>>();

  constructor(
    private readonly charts: ChartRenderer,
    private readonly html: ReportHtmlRenderer,
    private readonly pdf: PdfRenderer,
  ) {}

  /** Validates the options with the plugin's schema, creates the template and compiles it, once per options. */
  prepare<Options>(
    plugin: ReportTemplatePlugin<Options>,
    rawOptions: Record<string, unknown>,
    context: PluginContext,
  ): Promise<PreparedTemplate> {
    let byOptions = this.prepared.get(plugin);
    if (!byOptions) {
      byOptions = new Map();
      this.prepared.set(plugin, byOptions);
    }
    const key = `${context.scope}\u0000${JSON.stringify(rawOptions)}`;
    let prepared = byOptions.get(key);
    if (!prepared) {
      prepared = this.create(plugin, rawOptions, context);
      byOptions.set(key, prepared);
      // A failure is not cached: the next render tries again (e.g. after the template files are fixed).
      prepared.catch(() => byOptions.delete(key));
    }
    return prepared;
  }

  toHtml(model: ReportModel, template: PreparedTemplate): string {
    return template.compiled.render(model, this.charts.render(model, template.chartTheme), template.options);
  }

  async render(
    model: ReportModel,
    template: PreparedTemplate,
    timeoutMs?: number,
  ): Promise<RenderedDocument> {
    const html = this.toHtml(model, template);
    return { html, ...(await this.pdf.render(html, { timeoutMs })) };
  }

  private async create<Options>(
    plugin: ReportTemplatePlugin<Options>,
    rawOptions: Record<string, unknown>,
    context: PluginContext,
  ): Promise<PreparedTemplate> {
    const validated = await validatePluginOptions(plugin, rawOptions);
    if (!validated.ok) {
      const problems = validated.problems.map((p) => `${p.path.join('.') || '(options)'}: ${p.message}`);
      throw new Error(`report template "${plugin.name}" rejected its options: ${problems.join('; ')}`);
    }
    // The plugin's own schema produced this value, so it has the plugin's option type.
    const options = (validated.value ?? {}) as Options & Record<string, unknown>;
    const template = await plugin.create(context, options);
    return {
      name: plugin.name,
      compiled: this.html.compile(template),
      options,
      chartTheme: chartThemeOf(template),
    };
  }
}
