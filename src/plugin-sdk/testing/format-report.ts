import type { ConformanceCheckResult, ConformanceReport } from './conformance-types';

const MARK: Record<ConformanceCheckResult['status'], string> = {
  passed: '✓',
  failed: '✗',
  skipped: '-',
  'not-applicable': '·',
  'not-run': '?',
};

/** The report for people: one line per check, its problem or reason indented under it, then notes. */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines = [`connector ${report.plugin}: ${report.passed ? 'conforms' : 'does NOT conform'}`];
  for (const check of report.checks) {
    const status = check.status === 'passed' ? '' : ` (${check.status})`;
    lines.push(`${MARK[check.status]} ${check.name}${status}: ${check.title}`);
    if (check.problem) {
      lines.push(`    ${check.problem}`);
    }
    check.notes.forEach((note) => lines.push(`    note: ${note}`));
  }
  return lines.join('\n');
}
