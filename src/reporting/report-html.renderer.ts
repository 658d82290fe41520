import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { ReportTemplate } from '../plugin-sdk';
import type { ReportCharts, ReportModel } from './report-model';

/** Only inline styles and data: URLs: nothing in a report may load from anywhere. */
export const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";

/** A template's files read and compiled once, in a Handlebars environment of its own. */
export interface CompiledReportTemplate {
  render(model: ReportModel, charts: ReportCharts, options: Record<string, unknown>): string;
}

function readTemplateFile(path: string, role: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the report template's ${role} ${path}: ${(error as Error).message}`);
  }
}

/** A stylesheet cannot end the <style> element it is placed in, whatever it contains. */
function inlineCss(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/**
 * Turns a report template into full HTML documents. The host owns the document shell, so every report has
 * the CSP meta tag first in <head> whatever the template writes; the template renders the <body>.
 */
@Injectable()
export class ReportHtmlRenderer {
  compile(template: ReportTemplate): CompiledReportTemplate {
    // A separate environment per template: one plugin's helpers and partials never leak into another's.
    const handlebars = Handlebars.create();
    for (const [name, path] of Object.entries(template.partials ?? {})) {
      handlebars.registerPartial(name, readTemplateFile(path, `partial "${name}"`));
    }
    for (const [name, helper] of Object.entries(template.helpers ?? {})) {
      handlebars.registerHelper(name, helper);
    }
    const body = handlebars.compile(readTemplateFile(template.main, 'main template'), {
      preventIndent: true,
    });
    const styles = (template.styles ?? []).map(inlineCss).join('\n');
    return {
      render: (model, charts, options) => {
        const context = {
          ...model,
          options,
          // SafeString: charts are our own SVG, so `{{charts.audience}}` prints them without a triple-stash.
          charts: Object.fromEntries(
            (Object.entries(charts) as Array<[string, string]>).map(([name, svg]) => [
              name,
              new handlebars.SafeString(svg),
            ]),
          ),
        };
        const html = body(context, {
          allowProtoPropertiesByDefault: false,
          allowProtoMethodsByDefault: false,
        });
        const escape = Handlebars.escapeExpression;
        return [
          '<!doctype html>',
          `<html lang="${escape(model.brand.locale)}">`,
          '<head>',
          '<meta charset="utf-8">',
          `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`,
          `<title>${escape(`${model.brand.name} — ${model.period.label}`)}</title>`,
          `<style>${styles}</style>`,
          '</head>',
          `<body>${html}</body>`,
          '</html>',
        ].join('\n');
      },
    };
  }
}
