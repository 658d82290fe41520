import { InvalidError } from '../errors/domain.error';

/** One problem in the configuration, with where it is and what to do about it. */
export interface ConfigIssue {
  file?: string;
  line?: number;
  col?: number;
  /** Path inside the merged configuration, e.g. ['brands', 'acme', 'channels', 'bsky', 'connector']. */
  path: ReadonlyArray<string | number>;
  message: string;
}

export function formatConfigPath(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') {
      return `${text}[${segment}]`;
    }
    return text === '' ? segment : `${text}.${segment}`;
  }, '');
}

/** `file:line:col  path.to.field  message` — the format every config error uses, CLI and logs alike. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const place = issue.file ? `${issue.file}:${issue.line ?? 1}:${issue.col ?? 1}` : '<config>';
  const path = formatConfigPath(issue.path) || '(root)';
  return `${place}  ${path}  ${issue.message}`;
}

export function sortConfigIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
}

/** Thrown when a configuration cannot be used; carries every issue found, not just the first. */
export class ConfigValidationError extends InvalidError {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      `configuration has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n` +
        sortConfigIssues(issues).map(formatConfigIssue).join('\n'),
    );
  }
}
