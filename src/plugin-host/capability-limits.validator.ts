import { aspectRatioValue } from '../plugin-sdk';

type Record_ = Record<string, unknown>;

/** What each declared field must be: the check and how to say it. */
type FieldRule =
  'count' | 'positive' | 'seconds' | 'boolean' | 'strings' | 'mimeTypes' | 'dimensions' | 'ratios';

const TEXT_FIELDS: Record<string, FieldRule> = {
  graphemes: 'positive',
  bytes: 'positive',
  charactersPerUrl: 'count',
  remoteMentionsCountAsUser: 'boolean',
  countedExtras: 'strings',
  maxHashtags: 'count',
  maxMentions: 'count',
  links: 'boolean',
};
const TITLE_FIELDS: Record<string, FieldRule> = { graphemes: 'positive', bytes: 'positive' };
const MEDIA_FIELDS: Record<string, FieldRule> = {
  maxCount: 'count',
  minCount: 'count',
  maxImages: 'count',
  maxVideos: 'count',
  minVideos: 'count',
  mixedMedia: 'boolean',
  types: 'mimeTypes',
  maxBytes: 'positive',
  maxImageBytes: 'positive',
  maxVideoBytes: 'positive',
  maxVideoSeconds: 'seconds',
  minVideoSeconds: 'seconds',
  image: 'dimensions',
  video: 'dimensions',
  altTextLimit: 'count',
  altTextRequired: 'boolean',
  videoAlone: 'boolean',
};
const DIMENSION_FIELDS: Record<string, FieldRule> = {
  minWidth: 'positive',
  minHeight: 'positive',
  maxWidth: 'positive',
  maxHeight: 'positive',
  maxPixels: 'positive',
  aspectRatio: 'ratios',
};
const THREAD_FIELDS: Record<string, FieldRule> = { maxParts: 'positive' };

const MIME_TYPE = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;

/**
 * The limits a connector declares (`capabilities.text`, `title`, `media`, `thread`), checked when the plugin loads:
 * each a number of the right kind, no minimum above its maximum, ratios that parse, no unknown field (a typo would
 * silently check nothing). Returns one sentence per problem, naming the field and the fix.
 */
export function capabilityLimitProblems(capabilities: Record_): string[] {
  const problems: string[] = [];
  const section = (name: string, fields: Record<string, FieldRule>) => {
    const value = capabilities[name];
    if (value !== undefined) {
      problems.push(...objectProblems(`capabilities.${name}`, value, fields));
    }
  };
  section('text', TEXT_FIELDS);
  section('title', TITLE_FIELDS);
  section('media', MEDIA_FIELDS);
  section('thread', THREAD_FIELDS);
  const media = capabilities.media as Record_ | undefined;
  if (isObject(media)) {
    if (media.maxCount === undefined) {
      problems.push(
        'capabilities.media.maxCount is missing: declare how many files a post takes (0 for none)',
      );
    }
    problems.push(...order('capabilities.media', media, 'minCount', 'maxCount'));
    problems.push(...order('capabilities.media', media, 'minVideoSeconds', 'maxVideoSeconds'));
    if (media.altTextRequired === true && media.altTextLimit === 0) {
      problems.push(
        'capabilities.media.altTextRequired is true but altTextLimit is 0: no alt text could pass; fix one of them',
      );
    }
  }
  problems.push(...metricNameProblems(capabilities.metricNames));
  if (isObject(capabilities.thread) && capabilities.thread.maxParts === undefined) {
    problems.push('capabilities.thread.maxParts is missing: declare the most parts a thread may have');
  }
  return problems;
}

const METRIC_NAME_FIELDS = ['followers', 'impressions', 'clicks', 'engagements'];
const METRIC_NAME_LENGTH = 40;

/** `capabilities.metricNames` (SDK 2.2): short, non-empty names, shown in the report. */
function metricNameProblems(names: unknown): string[] {
  if (names === undefined) {
    return [];
  }
  const where = 'capabilities.metricNames';
  if (!isObject(names)) {
    return [`${where} must be an object, e.g. { followers: 'Subscribers', impressions: 'Views' }`];
  }
  const problems: string[] = [];
  const name = (path: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > METRIC_NAME_LENGTH) {
      problems.push(
        `${path} must be a name of 1 to ${METRIC_NAME_LENGTH} characters, found ${JSON.stringify(value) ?? String(value)}`,
      );
    }
  };
  for (const [key, value] of Object.entries(names)) {
    if (!METRIC_NAME_FIELDS.includes(key)) {
      problems.push(`${where}.${key} is not a figure: the fields are ${METRIC_NAME_FIELDS.join(', ')}`);
    } else if (key !== 'engagements') {
      name(`${where}.${key}`, value);
    } else if (!isObject(value)) {
      problems.push(`${where}.engagements must be an object of names by kind, e.g. { saves: 'Saves' }`);
    } else {
      for (const [kind, kindName] of Object.entries(value)) {
        name(`${where}.engagements.${kind}`, kindName);
      }
    }
  }
  return problems;
}

function objectProblems(where: string, value: unknown, fields: Record<string, FieldRule>): string[] {
  if (!isObject(value)) {
    return [`${where} must be an object of limits, e.g. { ${Object.keys(fields)[0]}: … }`];
  }
  const problems: string[] = [];
  for (const [key, field] of Object.entries(value)) {
    const rule = fields[key];
    if (!rule) {
      problems.push(
        `${where}.${key} is not a limit the SDK knows: the fields are ${Object.keys(fields).join(', ')}`,
      );
    } else if (field !== undefined) {
      problems.push(...fieldProblems(`${where}.${key}`, field, rule));
    }
  }
  return problems;
}

function fieldProblems(where: string, value: unknown, rule: FieldRule): string[] {
  const found = `found ${JSON.stringify(value) ?? String(value)}`;
  switch (rule) {
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? []
        : [`${where} must be a whole number, 0 or more (${found})`];
    case 'positive':
      return Number.isSafeInteger(value) && (value as number) >= 1
        ? []
        : [`${where} must be a whole number, 1 or more (${found})`];
    case 'seconds':
      return typeof value === 'number' && Number.isFinite(value) && value > 0
        ? []
        : [`${where} must be a number of seconds above 0 (${found})`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${where} must be true or false (${found})`];
    case 'strings':
      return Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? []
        : [`${where} must be a list of strings (${found})`];
    case 'mimeTypes':
      return Array.isArray(value) && value.every((item) => typeof item === 'string' && MIME_TYPE.test(item))
        ? []
        : [`${where} must be a list of MIME types such as ["image/png", "video/mp4"] (${found})`];
    case 'dimensions': {
      const problems = objectProblems(where, value, DIMENSION_FIELDS);
      if (isObject(value)) {
        problems.push(
          ...order(where, value, 'minWidth', 'maxWidth'),
          ...order(where, value, 'minHeight', 'maxHeight'),
        );
      }
      return problems;
    }
    case 'ratios':
      return ratioProblems(where, value);
  }
}

function ratioProblems(where: string, value: unknown): string[] {
  if (!isObject(value)) {
    return [`${where} must be { min?, max? } with ratios such as "4:5" or 0.8`];
  }
  const problems: string[] = [];
  const parsed: Record<string, number | undefined> = {};
  for (const [key, ratio] of Object.entries(value)) {
    if (key !== 'min' && key !== 'max') {
      problems.push(`${where}.${key} is not a bound: write min and/or max`);
      continue;
    }
    parsed[key] =
      typeof ratio === 'string' || typeof ratio === 'number' ? aspectRatioValue(ratio) : undefined;
    if (ratio !== undefined && parsed[key] === undefined) {
      problems.push(
        `${where}.${key} is ${JSON.stringify(ratio)}, not a ratio: write "width:height" such as "4:5" or "1.91:1", or a number above 0 such as 0.8`,
      );
    }
  }
  if (parsed.min !== undefined && parsed.max !== undefined && parsed.min > parsed.max) {
    problems.push(
      `${where}.min (${JSON.stringify(value.min)}) is wider than ${where}.max (${JSON.stringify(value.max)}): min is the narrowest frame allowed, max the widest`,
    );
  }
  return problems;
}

/** A minimum above its maximum (both valid numbers): nothing could pass. */
function order(where: string, value: Record_, min: string, max: string): string[] {
  const [low, high] = [value[min], value[max]];
  return typeof low === 'number' && typeof high === 'number' && low > high
    ? [`${where}.${min} (${low}) is more than ${where}.${max} (${high}): nothing could pass; fix one of them`]
    : [];
}

function isObject(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
