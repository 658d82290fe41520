import { Injectable } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ConfigIssue } from '../../config/config-issue';
import { ConfigService } from '../../config/config.service';
import { displayPath } from '../../config/yaml-source.loader';
import { readContentFile } from '../../content/content-file.reader';
import { ContentFilesService } from '../../content/content-files.service';
import { resolvePostPlan } from '../../content/post-plan.resolver';
import type { SyncReport } from '../../content/plan-sync.service';

const run = promisify(execFile);
/** git is asked with a bound: a hung git never holds a request. */
const GIT_TIMEOUT_MS = 5_000;

export type SaveOutcome =
  | { ok: false; readOnly: true; reason: string }
  | { ok: false; readOnly?: false; issues: string[] }
  | {
      ok: true;
      path: string;
      report: SyncReport;
      issues: string[];
      git: 'none' | 'uncommitted' | 'committed';
      gitProblem?: string;
    };

/** A problem as `file:line:col message`, the way `metronome validate` and plan sync print it. */
export function issueText(issue: ConfigIssue): string {
  return issue.file ? `${issue.file}:${issue.line ?? 1}:${issue.col ?? 1} ${issue.message}` : issue.message;
}

/**
 * Writes a post file from the web app: checks it first exactly as plan sync reads it (front matter, plan,
 * channels, media) so a file with problems is never written, then writes and imports it through
 * ContentFilesService (as the REST PUT does), then tells about git or commits the file as the person.
 */
@Injectable()
export class ComposeService {
  constructor(
    private readonly config: ConfigService,
    private readonly files: ContentFilesService,
  ) {}

  folder(brandId: string): string {
    const loaded = this.config.loaded;
    return resolve(loaded.baseDir, loaded.config.brands[brandId].content!.folder);
  }

  hasFolder(brandId: string): boolean {
    return Boolean(this.config.loaded.config.brands[brandId]?.content);
  }

  writability(brandId: string) {
    return this.files.writability(this.config.loaded, brandId);
  }

  /** The raw text of a post file, or undefined when it is gone. */
  read(brandId: string, path: string): string | undefined {
    const absolute = join(this.folder(brandId), ...path.split('/'));
    return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
  }

  async save(brandId: string, path: string, text: string, person: string): Promise<SaveOutcome> {
    const state = this.writability(brandId);
    if (!state.writable) {
      return { ok: false, readOnly: true, reason: state.reason };
    }
    const problems = await this.check(brandId, path, text);
    if (problems.length > 0) {
      return { ok: false, issues: problems };
    }
    const report = await this.files.write(this.config.loaded, brandId, path, text);
    const target = join(this.folder(brandId), ...path.split('/'));
    const shown = displayPath(target);
    const issues = report.issues.filter((issue) => issue.file === shown).map(issueText);
    const git = await this.git(brandId, target, person);
    return { ok: true, path, report, issues, ...git };
  }

  /** The problems plan sync would report on this text as the file `path` (file:line:col). */
  private async check(brandId: string, path: string, text: string): Promise<string[]> {
    const loaded = this.config.loaded;
    const folder = this.folder(brandId);
    const target = join(folder, ...path.split('/'));
    // A dot-file beside where the file goes (plan sync never scans those): media paths resolve the same.
    const parent = existsSync(dirname(target)) ? dirname(target) : folder;
    const temporary = join(parent, `.${randomUUID()}.check`);
    try {
      writeFileSync(temporary, text, { flag: 'wx' });
      const read = readContentFile(temporary, path, displayPath(target), folder);
      if (!read.ok) {
        return read.issues.map(issueText);
      }
      const planned = await resolvePostPlan(read.content, loaded.config.brands[brandId], loaded.plugins);
      return planned.ok ? [] : planned.issues.map(issueText);
    } finally {
      rmSync(temporary, { force: true });
    }
  }

  /** Whether the file is in a git work tree; with `web.commitContentEdits`, commit it alone as the person. */
  private async git(
    brandId: string,
    target: string,
    person: string,
  ): Promise<{ git: 'none' | 'uncommitted' | 'committed'; gitProblem?: string }> {
    const cwd = dirname(target);
    try {
      const inside = await run('git', ['rev-parse', '--is-inside-work-tree'], {
        cwd,
        timeout: GIT_TIMEOUT_MS,
      });
      if (inside.stdout.trim() !== 'true') {
        return { git: 'none' };
      }
    } catch {
      return { git: 'none' };
    }
    if (!this.config.loaded.config.web.commitContentEdits) {
      return { git: 'uncommitted' };
    }
    const who = this.config.loaded.config.people[person];
    const name = who?.name ?? person;
    const email = who?.email ?? `${person}@metronome.invalid`;
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
    };
    const file = target.slice(cwd.length + 1);
    try {
      await run('git', ['add', '--', file], { cwd, timeout: GIT_TIMEOUT_MS, env });
      await run(
        'git',
        ['commit', '--no-verify', '-m', `${brandId}: edit ${file} (web app, ${name})`, '--only', '--', file],
        { cwd, timeout: GIT_TIMEOUT_MS, env },
      );
      return { git: 'committed' };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
      return { git: 'uncommitted', gitProblem: stderr.split('\n')[0] };
    }
  }
}
