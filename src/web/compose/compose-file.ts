import { parseDocument } from 'yaml';
import type { ContentFrontMatter } from '../../content/content-file.schema';

/** What the compose form holds, as the person typed it. */
export interface ComposeFields {
  title: string;
  /** datetime-local ("YYYY-MM-DDTHH:MM") in the brand's zone, or empty for the next free slot. */
  publish: string;
  channels: string[];
  campaign: string;
  theme: string;
  body: string;
  draft: boolean;
}

const FENCE = /^---[ \t]*\r?$/;

/** The form's fields from a post file's front matter and body (for editing). */
export function fieldsOf(frontMatter: ContentFrontMatter, body: string): ComposeFields {
  return {
    title: frontMatter.title,
    publish: frontMatter.publish === 'next-slot' ? '' : frontMatter.publish.replace(' ', 'T'),
    channels: frontMatter.channels ?? [],
    campaign: frontMatter.campaign ?? '',
    theme: frontMatter.theme ?? '',
    body,
    draft: frontMatter.draft,
  };
}

/** "YYYY-MM-DDTHH:MM" (datetime-local) as the file writes it: "YYYY-MM-DD HH:MM"; anything else as typed. */
export function publishValue(publish: string): string {
  const value = publish.trim();
  return value === '' ? 'next-slot' : value.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:00)?$/, '$1 $2');
}

/**
 * The post file for the form's fields, in the format the importer reads (YAML front matter between `---`
 * lines, then the caption). Editing keeps the existing file's other keys (tags, media, funnel, overrides)
 * and comments: only the keys the form manages are set or removed.
 */
export function composeFile(fields: ComposeFields, existing?: string): string {
  const current = existing ? splitFile(existing) : undefined;
  const doc = parseDocument(current?.frontMatter ?? '');
  if (doc.contents === null) {
    doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  }
  const set = (key: string, value: unknown) => {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      doc.delete(key);
    } else {
      doc.set(key, value);
    }
  };
  set('title', fields.title);
  set('publish', publishValue(fields.publish));
  set('channels', fields.channels.length ? doc.createNode(fields.channels, { flow: true }) : undefined);
  set('campaign', fields.campaign);
  set('theme', fields.theme);
  set('draft', fields.draft ? true : undefined);
  const yaml = doc.toString({ lineWidth: 0 }).replace(/\n+$/, '');
  const body = fields.body.replace(/\r\n/g, '\n').trim();
  return `---\n${yaml}\n---\n${body}\n`;
}

/** The front matter text and the rest of a post file, or undefined when it has no front matter. */
function splitFile(text: string): { frontMatter: string; rest: string } | undefined {
  const lines = text.split('\n');
  const close = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
  if (!FENCE.test(lines[0] ?? '') || close < 0) {
    return undefined;
  }
  return { frontMatter: lines.slice(1, close).join('\n'), rest: lines.slice(close + 1).join('\n') };
}

/**
 * The file with its `publish:` line set to `publish` ("YYYY-MM-DD HH:MM"), every other byte unchanged. A file
 * without a publish line gets one before the closing `---`. Undefined when the file has no front matter.
 */
export function withPublishLine(text: string, publish: string): string | undefined {
  const lines = text.split('\n');
  const close = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
  if (!FENCE.test(lines[0] ?? '') || close < 0) {
    return undefined;
  }
  const index = lines.findIndex((line, i) => i > 0 && i < close && /^publish[ \t]*:/.test(line));
  if (index >= 0) {
    const ending = lines[index].endsWith('\r') ? '\r' : '';
    lines[index] = `publish: ${publish}${ending}`;
  } else {
    const ending = lines[close].endsWith('\r') ? '\r' : '';
    lines.splice(close, 0, `publish: ${publish}${ending}`);
  }
  return lines.join('\n');
}

/** A file name for a new post: its date and a slug of its title ("2030-01-09-winter-launch.md"). */
export function newFileName(fields: ComposeFields, taken: (name: string) => boolean): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(fields.publish)?.[0] ?? 'unscheduled';
  const slug =
    fields.title
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'post';
  for (let n = 1; ; n++) {
    const name = `${date}-${slug}${n > 1 ? `-${n}` : ''}.md`;
    if (!taken(name)) {
      return name;
    }
  }
}
