/** A report template: Handlebars files plus optional helpers. The report data model is documented in README. */
export interface ReportTemplate {
  /** Absolute path of the main Handlebars template. */
  main: string;
  /** Absolute paths of partials, by partial name. */
  partials?: Record<string, string>;
  helpers?: Record<string, (...args: unknown[]) => unknown>;
  /** CSS inlined into the page. */
  styles?: string[];
}
