import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineReportTemplate, z, type ReportTemplate } from '../../src/plugin-sdk';
import { standardHelpers } from './standard-report.helpers';

const TEMPLATE_FOLDER = join('templates', 'reports', 'standard');

const PARTIALS = [
  'cover',
  'summary',
  'channel-table',
  'recommendations',
  'audience',
  'reach',
  'publishing',
  'approvals',
  'community',
  'posts',
  'post-table',
  'definitions',
];

/**
 * The template files sit in `templates/reports/standard` at the project root. This file runs from
 * `plugins/standard-report` (sources under Jest) or `dist/plugins/standard-report` (built), so the folder
 * is found by walking up rather than by a fixed number of `..`.
 */
function templateFolder(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, TEMPLATE_FOLDER);
    if (existsSync(join(candidate, 'report.hbs'))) {
      return candidate;
    }
    if (dirname(dir) === dir) {
      throw new Error(`cannot find ${TEMPLATE_FOLDER}/report.hbs above ${__dirname}`);
    }
  }
}

const options = z.strictObject({
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as "#2457d6"')
    .default('#2457d6')
    .describe('Brand colour for headings, rules and the first chart series.'),
  preparedBy: z.string().min(1).max(80).optional().describe('Agency or team named on the cover.'),
});

type Options = z.output<typeof options>;

/** Chart colours (proposed SDK field `ReportTemplate.chartTheme`): the brand colour leads. */
interface ChartTheme {
  palette: string[];
  fontFamily: string;
  textColor: string;
  gridColor: string;
}

const FONT_STACK = '"DejaVu Sans", "Noto Sans CJK SC", "Noto Color Emoji", sans-serif';

/** The report an agency sends a client each month: summary first, evidence after, definitions last. */
export default defineReportTemplate<Options>({
  kind: 'report-template',
  name: 'standard',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'Monthly client report: KPIs, what worked / stalled / to change, channels, posts, operations.',
  options,
  create(_context, { accentColor }) {
    const folder = templateFolder();
    const template: ReportTemplate & { chartTheme: ChartTheme } = {
      main: join(folder, 'report.hbs'),
      partials: Object.fromEntries(PARTIALS.map((name) => [name, join(folder, `${name}.hbs`)])),
      helpers: standardHelpers,
      styles: [readFileSync(join(folder, 'standard.css'), 'utf8')],
      chartTheme: {
        palette: [accentColor, '#f08c2e', '#1f9e89', '#b04fc4', '#d64545', '#6b7a90'],
        fontFamily: FONT_STACK,
        textColor: '#4a5568',
        gridColor: '#e6e9ef',
      },
    };
    return template;
  },
});
