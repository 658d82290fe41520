/**
 * The post's text as the HTML of a WordPress post's `content`. The core hands connectors the post's body as written
 * in the content file (Markdown-like plain text), so by default everything is escaped and only a small, safe subset
 * becomes markup: paragraphs (blank lines), line breaks, links (`[words](https://…)` and bare http(s) addresses),
 * `**bold**` and `*italics*`. Nothing in a caption can inject HTML. With the option `html: true` the text is trusted
 * HTML and goes as written.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
}

const LINK = /\[([^\]\n]+)\]\((https?:\/\/[^\s()<>]+|mailto:[^\s()<>]+)\)|(https?:\/\/[^\s<>]+)/g;

/** A bare address's trailing punctuation belongs to the sentence. */
function trimBare(url: string): string {
  let link = url.replace(/[.,!?;:'"]+$/, '');
  while (link.endsWith(')') && link.split('(').length < link.split(')').length) {
    link = link.slice(0, -1).replace(/[.,!?;:'"]+$/, '');
  }
  return link;
}

function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([^*\n]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g, '$1<em>$2</em>');
}

function inline(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index;
    if (match[2]) {
      out += emphasis(escapeHtml(text.slice(last, start)));
      out += `<a href="${escapeHtml(match[2])}">${emphasis(escapeHtml(match[1]))}</a>`;
      last = start + match[0].length;
    } else {
      const url = trimBare(match[3]);
      out += emphasis(escapeHtml(text.slice(last, start)));
      out += `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
      last = start + url.length;
    }
  }
  return out + emphasis(escapeHtml(text.slice(last)));
}

/** Markdown-like plain text → escaped HTML paragraphs. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => `<p>${paragraph.split('\n').map(inline).join('<br />\n')}</p>`)
    .join('\n\n');
}

/** An image inserted in the content (the images after the first, which becomes the featured image). */
export function imageHtml(src: string, alt: string | undefined, attachmentId: number): string {
  return `<figure class="wp-block-image"><img src="${escapeHtml(src)}" alt="${escapeHtml(alt ?? '')}" class="wp-image-${attachmentId}" /></figure>`;
}

/** WordPress's rendered HTML (a comment's `content.rendered`) as plain text for the inbox. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>\n?/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(
      /&(amp|lt|gt|quot|nbsp|hellip|rsquo|lsquo|rdquo|ldquo|ndash|mdash);/g,
      (_, name: string) => ENTITIES[name],
    )
    .trim();
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  nbsp: ' ',
  hellip: '…',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  ndash: '–',
  mdash: '—',
};

/** A slug part from a title: lowercase ASCII letters and digits joined by dashes, at most `max` characters. */
export function slugify(title: string, max = 60): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
}
