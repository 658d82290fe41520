import Handlebars from 'handlebars';
import { DateTime } from 'luxon';

/** Bidirectional controls a caption could use to reverse how text reads ("gnp.exe"): shown as nothing. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** User text as it is shown: bidi overrides removed (the element around it isolates it with dir=auto). */
export function displayText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number'
    ? String(value).replace(BIDI_CONTROLS, '')
    : '';
}

/** An instant given to a helper: a Date, or an ISO string / epoch number; anything else is no instant. */
function asDate(instant: unknown): Date | undefined {
  if (instant instanceof Date) {
    return instant;
  }
  return typeof instant === 'string' || typeof instant === 'number' ? new Date(instant) : undefined;
}

/** `value` when it is an absolute http(s) URL, else undefined (a `javascript:` link from a platform is no link). */
export function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) {
    return undefined;
  }
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The helpers every web view may use. Everything a helper returns is escaped by Handlebars unless it is a
 * SafeString built here from escaped parts.
 */
export function registerViewHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('gt', (a: number, b: number) => a > b);
  hbs.registerHelper(
    'includes',
    (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
  );
  /** {{text value}}: user text without bidi controls (escaped as usual). */
  hbs.registerHelper('text', (value: unknown) => displayText(value));
  /** {{time instant tz "d MMM yyyy, HH:mm"}}: an instant in a time zone (default: the brand's, passed in). */
  hbs.registerHelper('time', (instant: unknown, zone: unknown, format: unknown) => {
    const date = asDate(instant);
    if (!date) {
      return '';
    }
    const fmt = typeof format === 'string' ? format : 'd MMM yyyy, HH:mm';
    return DateTime.fromJSDate(date, { zone: typeof zone === 'string' ? zone : 'UTC' }).toFormat(fmt);
  });
  /** {{isoTime instant}}: for <time datetime>. */
  hbs.registerHelper('isoTime', (instant: unknown) => asDate(instant)?.toISOString() ?? '');
  /** {{plural n "post" "posts"}} → "1 post", "3 posts". */
  hbs.registerHelper('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  /** {{safeUrl url}}: a link a platform or a person gave, only when it is http(s); anything else is no link. */
  hbs.registerHelper('safeUrl', (value: unknown) => safeUrl(value) ?? '');
  /** {{csrfField}}: the hidden field every state-changing form carries. */
  hbs.registerHelper('csrfField', function (this: unknown, options: Handlebars.HelperOptions) {
    const token = (options.data as { root?: { csrfToken?: string } }).root?.csrfToken ?? '';
    return new hbs.SafeString(`<input type="hidden" name="_csrf" value="${hbs.escapeExpression(token)}">`);
  });
}
