import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
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
  /** The brand's content folder: media files must stay inside it. */
  root: string;
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

/**
 * A post file is at most this big (256 KiB): a caption with its front matter, not a media upload. Larger files are
 * a content error and are never read past this, so a huge file cannot stall a sync.
 */
export const MAX_CONTENT_FILE_BYTES = 256 * 1024;
/**
 * YAML aliases a front matter may expand (the YAML library's own guard against "billion laughs" documents). A post
 * needs none; a few are harmless.
 */
const MAX_ALIAS_COUNT = 50;

function issue(file: string, message: string, at: { line: number; col: number } = { line: 1, col: 1 }) {
  return { ok: false as const, issues: [{ file, line: at.line, col: at.col, path: [], message }] };
}

/** The file's text, or why it cannot be a post: checked with fstat first and never read past the cap. */
function readCapped(
  absolutePath: string,
  file: string,
): { ok: true; text: string } | { ok: false; issues: ConfigIssue[] } {
  let fd: number;
  try {
    fd = openSync(absolutePath, 'r');
  } catch (error) {
    return issue(file, `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_CONTENT_FILE_BYTES) {
      return issue(
        file,
        `the file is ${size.toLocaleString('en-GB')} bytes; a post file holds at most ${MAX_CONTENT_FILE_BYTES.toLocaleString('en-GB')} bytes (256 KiB): split it, and keep media in their own files`,
      );
    }
    // One byte more than the cap: a file that grew since fstat is caught, not read on.
    const buffer = Buffer.alloc(MAX_CONTENT_FILE_BYTES + 1);
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n) {
      n = readSync(fd, buffer, read, buffer.length - read, read);
    }
    if (read > MAX_CONTENT_FILE_BYTES) {
      return issue(
        file,
        `the file grew past ${MAX_CONTENT_FILE_BYTES.toLocaleString('en-GB')} bytes while it was read`,
      );
    }
    return { ok: true, text: buffer.toString('utf8', 0, read) };
  } finally {
    closeSync(fd);
  }
}

/** Where the first alias of a document is, for an alias error. */
function firstAlias(doc: Document, counter: LineCounter): { line: number; col: number } {
  let at = { line: 2, col: 1 };
  let found = false;
  visit(doc, {
    Alias(_key, node) {
      if (!found && node.range) {
        at = counter.linePos(node.range[0]);
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return at;
}

/** Splits `---` front matter from the Markdown body, keeping line numbers exact. */
export function readContentFile(
  absolutePath: string,
  sourcePath: string,
  file: string,
  root: string,
): ContentReadResult {
  const read = readCapped(absolutePath, file);
  if (!read.ok) {
    return read;
  }
  const text = read.text;
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
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // The YAML library refuses documents whose aliases expand too far (ReferenceError) and aliases it cannot resolve.
    const excessive = error instanceof ReferenceError && /alias/i.test(error.message);
    return issue(
      file,
      excessive
        ? `front matter: its YAML aliases (*name) expand more than ${MAX_ALIAS_COUNT} times, which a post never needs: write the values out`
        : `front matter: ${(error as Error).message.split('\n')[0]}`,
      firstAlias(doc, counter),
    );
  }
  const parsed = contentFrontMatterSchema.safeParse(data);
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
      root,
      hash: createHash('sha256').update(text).digest('hex'),
      frontMatter: parsed.data,
      body: lines
        .slice(close + 1)
        .join('\n')
        .trim(),
      bodyLine: firstTextLine(lines, close + 1),
      locate,
    },
  };
}

/** The 1-based line where the body's text starts (blank lines after the front matter skipped). */
function firstTextLine(lines: string[], from: number): number {
  for (let index = from; index < lines.length; index++) {
    if (lines[index].trim() !== '') {
      return index + 1;
    }
  }
  return from + 1;
}
