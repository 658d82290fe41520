/**
 * Handlebars helpers of the standard template. Every helper formats in the brand's locale and time zone,
 * read from the root of the report model (`@root.brand`), so templates never pass them around. Missing
 * figures (null) print as an em dash, never "NaN" or "0".
 */

type Helper = (...args: unknown[]) => unknown;

interface HelperOptions {
  data?: { root?: { brand?: { locale?: unknown; timeZone?: unknown } } };
  hash?: Record<string, unknown>;
}

const MISSING = '—';

/** Handlebars appends its options object to every call; split it from the real arguments. */
function split(args: unknown[]): { params: unknown[]; options: HelperOptions } {
  const options = (args[args.length - 1] ?? {}) as HelperOptions;
  return { params: args.slice(0, -1), options };
}

function brandOf(options: HelperOptions): { locale: string; timeZone: string } {
  const brand = options.data?.root?.brand;
  return {
    locale: typeof brand?.locale === 'string' ? brand.locale : 'en-GB',
    timeZone: typeof brand?.timeZone === 'string' ? brand.timeZone : 'UTC',
  };
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Intl formatters are costly to build; a report formats hundreds of numbers in one locale. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let format = formatters.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

function formatCount(value: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: Number.isInteger(value) ? 0 : 1 }).format(value);
}

/** A fixed number of decimals, so 5.0% and 4.8% line up in a column. */
function formatPercent(value: number, locale: string, digits = 1): string {
  return numberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

function formatMinutes(value: number, locale: string): string {
  const unit = (n: number, name: 'minute' | 'hour' | 'day') =>
    numberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'narrow' }).format(n);
  const total = Math.round(Math.abs(value));
  const sign = value < 0 ? '−' : '';
  if (total < 60) {
    return `${sign}${unit(total, 'minute')}`;
  }
  const hours = Math.floor(total / 60);
  if (hours < 48) {
    return `${sign}${unit(hours, 'hour')}${total % 60 ? ` ${unit(total % 60, 'minute')}` : ''}`;
  }
  return `${sign}${unit(Math.floor(hours / 24), 'day')}${hours % 24 ? ` ${unit(hours % 24, 'hour')}` : ''}`;
}

/** A figure in its unit: count, ratio (as %), minutes or hours. */
function formatValue(value: unknown, unit: unknown, locale: string): string {
  if (!isNumber(value)) {
    return MISSING;
  }
  switch (unit) {
    case 'ratio':
      return formatPercent(value, locale);
    case 'minutes':
      return formatMinutes(value, locale);
    case 'hours':
      return formatMinutes(value * 60, locale);
    default:
      return formatCount(value, locale);
  }
}

/**
 * "▲ 120", "▼ 0.4 pp", "▲ 12m". Ratios move in percentage points, which is what readers expect;
 * unit "relative" is a relative change (deltaRatio) shown as a percentage, "▲ 6.2%".
 */
function formatDelta(delta: unknown, unit: unknown, locale: string): string {
  if (!isNumber(delta)) {
    return MISSING;
  }
  const size = Math.abs(delta);
  // A change too small to show at the printed precision is no change to the reader ("▲ 0.0 pp" is noise).
  const shown =
    unit === 'ratio' || unit === 'relative'
      ? Math.round(size * 1000)
      : unit === 'count'
        ? Math.round(size * 10)
        : Math.round(size);
  if (shown === 0) {
    return '● no change';
  }
  const text =
    unit === 'ratio'
      ? `${numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(size * 100)} pp`
      : unit === 'relative'
        ? formatPercent(size, locale)
        : formatValue(size, unit, locale);
  return `${delta > 0 ? '▲' : '▼'} ${text}`;
}

/** good / bad / neutral for a change, given which direction is good. */
function trend(delta: unknown, direction: unknown): string {
  if (!isNumber(delta) || delta === 0) {
    return 'neutral';
  }
  return delta > 0 === (direction !== 'down') ? 'good' : 'bad';
}

/** A calendar day `YYYY-MM-DD` is already local; an instant is shown in the brand's zone. */
function formatDate(value: unknown, style: unknown, locale: string, timeZone: string): string {
  if (typeof value !== 'string' || value === '') {
    return MISSING;
  }
  const calendarDay = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const instant = new Date(calendarDay ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(instant.getTime())) {
    return MISSING;
  }
  const zone = calendarDay ? 'UTC' : timeZone;
  const options: Intl.DateTimeFormatOptions =
    style === 'short'
      ? { day: 'numeric', month: 'short', timeZone: zone }
      : style === 'datetime'
        ? {
            day: 'numeric',
            month: 'short',
            year: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            timeZone: zone,
          }
        : { day: 'numeric', month: 'long', year: 'numeric', timeZone: zone };
  return dateFormat(locale, options).format(instant);
}

/**
 * A CSS string literal for `content:` in a stylesheet (page headers). Every character outside a safe set is
 * a CSS hex escape, so no quote, backslash or `</style>` can end the string or the element. Returned as an
 * object with toHTML(), which Handlebars prints as is: the value is already escaped for its context.
 */
function cssString(value: unknown): { toHTML(): string } {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const escaped = [...text]
    .map((ch) => (/^[A-Za-z0-9 .,–—·-]$/.test(ch) ? ch : `\\${ch.codePointAt(0)!.toString(16)} `))
    .join('');
  return { toHTML: () => `"${escaped}"` };
}

export const standardHelpers: Record<string, Helper> = {
  number: (...args) => {
    const { params, options } = split(args);
    return isNumber(params[0]) ? formatCount(params[0], brandOf(options).locale) : MISSING;
  },
  percent: (...args) => {
    const { params, options } = split(args);
    return isNumber(params[0])
      ? formatPercent(params[0], brandOf(options).locale, isNumber(params[1]) ? params[1] : 1)
      : MISSING;
  },
  fmt: (...args) => {
    const { params, options } = split(args);
    return formatValue(params[0], params[1], brandOf(options).locale);
  },
  change: (...args) => {
    const { params, options } = split(args);
    return formatDelta(params[0], params[1], brandOf(options).locale);
  },
  minutes: (...args) => {
    const { params, options } = split(args);
    return isNumber(params[0]) ? formatMinutes(params[0], brandOf(options).locale) : MISSING;
  },
  hours: (...args) => {
    const { params, options } = split(args);
    return isNumber(params[0]) ? formatMinutes(params[0] * 60, brandOf(options).locale) : MISSING;
  },
  trend: (...args) => {
    const [delta, direction] = split(args).params;
    return trend(delta, direction);
  },
  date: (...args) => {
    const { params, options } = split(args);
    const { locale, timeZone } = brandOf(options);
    return formatDate(params[0], params[1], locale, timeZone);
  },
  cssString: (...args) => cssString(split(args).params[0]),
  /** Width in % of value against max, for the small bars in tables. */
  share: (...args) => {
    const [value, max] = split(args).params;
    return isNumber(value) && isNumber(max) && max > 0
      ? Math.max(0, Math.min(100, (value / max) * 100)).toFixed(1)
      : '0';
  },
  isSet: (...args) => isNumber(split(args).params[0]),
  eq: (...args) => {
    const [a, b] = split(args).params;
    return a === b;
  },
  gt: (...args) => {
    const [a, b] = split(args).params;
    return isNumber(a) && isNumber(b) && a > b;
  },
  or: (...args) => split(args).params.some(Boolean),
  and: (...args) => split(args).params.every(Boolean),
  not: (...args) => !split(args).params[0],
  /** Position in a list, counting from 1. */
  inc: (...args) => {
    const [value] = split(args).params;
    return isNumber(value) ? value + 1 : value;
  },
  plural: (...args) => {
    const [count, one, many] = split(args).params;
    return count === 1 ? one : many;
  },
};
