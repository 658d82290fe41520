import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigIssue } from '../config/config-issue';
import { locateInSource } from '../config/yaml-locator';
import { YamlSource } from '../config/yaml-source.loader';
import { ContentFrontMatter, contentFrontMatterSchema } from './content-file.schema';

/** A post file read from a brand's content folder. */
export interface ContentFile {
  /** Path relative to the content folder, with forward slashes: the post's stable identity. */
  sourcePath: string;
  file: string;
  absolutePath: string;
  hash: string;
  frontMatter: ContentFrontMatter;
  body: string;
  /** 1-based line of the first body line, for positioned errors about the text. */
  bodyLine: number;
  /** Finds a front-matter path in the file, for positioned errors. */
  locate(path: ReadonlyArray<string | number>): { file: string; line: number; col: number };
}

export type ContentReadResult = { ok: true; content: ContentFile } | { ok: false; issues: ConfigIssue[] };

const FENCE = /^---[ \t]*\r?$/;

/** Splits `---` front matter from the Markdown body, keeping line numbers exact. */
export function readContentFile(absolutePath: string, sourcePath: string, file: string): ContentReadResult {
  const text = readFileSync(absolutePath, 'utf8');
  const lines = text.split('\n');
  const close = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
  if (!FENCE.test(lines[0] ?? '') || close < 0) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          col: 1,
          path: [],
          message:
            'a post file starts with YAML front matter between two "---" lines (title, channels, publish, …)',
        },
      ],
    };
  }
  // A leading newline stands for the opening fence, so YAML line numbers are file line numbers.
  const yamlText = `\n${lines.slice(1, close).join('\n')}`;
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const source: YamlSource = { file, absolutePath, text: yamlText, doc, lines: counter };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => {
        const at = counter.linePos(error.pos[0]);
        return {
          file,
          line: at.line,
          col: at.col,
          path: [],
          message: `front matter: ${error.message.split('\n')[0]}`,
        };
      }),
    };
  }
  const locate = (path: ReadonlyArray<string | number>) => locateInSource(source, path);
  const parsed = contentFrontMatterSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown front matter key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: allowed are title, channels, publish, campaign, theme, funnel, tags, media, overrides, draft`
            : issue.message;
        return { ...locate(path), path, message };
      }),
    };
  }
  return {
    ok: true,
    content: {
      sourcePath,
      file,
      absolutePath,
      hash: createHash('sha256').update(text).digest('hex'),
      frontMatter: parsed.data,
      body: lines
        .slice(close + 1)
        .join('\n')
        .trim(),
      bodyLine: close + 2,
      locate,
    },
  };
}
