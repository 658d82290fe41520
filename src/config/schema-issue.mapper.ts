import { z } from 'zod';
import { ConfigIssue } from './config-issue';
import { MergedConfig } from './config-merger';
import { didYouMean } from './did-you-mean';

type AnySchema = z.core.$ZodType;

/** The keys an object schema at `path` accepts, following records, arrays, unions and wrappers. */
export function knownKeysAt(schema: AnySchema, path: ReadonlyArray<PropertyKey>): string[] {
  const candidates = schemasAt(schema, path);
  return [...new Set(candidates.flatMap((candidate) => objectKeys(candidate)))];
}

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: AnySchema; in?: AnySchema; type: string };
    if (def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      return current;
    }
  }
}

function schemasAt(schema: AnySchema, path: ReadonlyArray<PropertyKey>): AnySchema[] {
  const current = unwrap(schema);
  const def = current._zod.def as {
    type: string;
    options?: AnySchema[];
    shape?: Record<string, AnySchema>;
    valueType?: AnySchema;
    element?: AnySchema;
  };
  if (def.type === 'union' && def.options) {
    return def.options.flatMap((option) => schemasAt(option, path));
  }
  if (path.length === 0) {
    return [current];
  }
  const [head, ...rest] = path;
  if (def.type === 'object' && def.shape && typeof head === 'string' && def.shape[head]) {
    return schemasAt(def.shape[head], rest);
  }
  if (def.type === 'record' && def.valueType) {
    return schemasAt(def.valueType, rest);
  }
  if (def.type === 'array' && def.element) {
    return schemasAt(def.element, rest);
  }
  return [];
}

function objectKeys(schema: AnySchema): string[] {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  const minimum = Number(issue.minimum);
  if (issue.origin === 'array') {
    return `needs at least ${minimum} entr${minimum === 1 ? 'y' : 'ies'}`;
  }
  if (issue.origin === 'string' && minimum === 1) {
    return 'must not be empty';
  }
  return issue.message;
}

function expectedName(expected: string): string {
  const names: Record<string, string> = { record: 'a mapping', object: 'a mapping', array: 'a list' };
  return names[expected] ?? expected;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  return path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    data,
  );
}

/** Turns schema validation issues into positioned, human sentences. */
export function mapSchemaIssues(
  schema: AnySchema,
  merged: MergedConfig,
  issues: z.core.$ZodIssue[],
): ConfigIssue[] {
  const result: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          result.push(merged.issue([...path, key], `unknown key "${key}"${didYouMean(key, known)}`, true));
        }
        break;
      }
      case 'invalid_type': {
        const actual = valueAt(merged.data, path);
        const message =
          actual === undefined
            ? `required: add "${String(path[path.length - 1])}" (${expectedName(issue.expected)})`
            : `expected ${expectedName(issue.expected)}, got ${describe(actual)}`;
        result.push(merged.issue(path, message));
        break;
      }
      case 'invalid_union': {
        // When the value's keys fit exactly one form (e.g. `webhook:` among the actions), say what is wrong
        // inside that form rather than that no form matched.
        const fitting = issue.errors.filter(
          (errors) => !errors.some((e) => e.path.length === 0 && e.code === 'unrecognized_keys'),
        );
        if (fitting.length === 1) {
          result.push(
            ...mapSchemaIssues(
              schema,
              merged,
              fitting[0].map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
            ),
          );
          break;
        }
        const actual = valueAt(merged.data, path);
        const keys = actual && typeof actual === 'object' ? Object.keys(actual) : [];
        const known = knownKeysAt(schema, path);
        const unknown = keys.filter((k) => !known.includes(k));
        const hint = unknown.length
          ? `unknown ${unknown.map((k) => `"${k}"${didYouMean(k, known)}`).join(', ')}`
          : 'does not match any accepted form';
        result.push(merged.issue(path, `${hint}: expected one of ${known.map((k) => `"${k}"`).join(', ')}`));
        break;
      }
      case 'invalid_value': {
        const hint = didYouMean(String(valueAt(merged.data, path)), issue.values.map(String));
        // A schema with its own sentence (a long list, documented elsewhere) keeps it; others list the values.
        const custom =
          !issue.message.startsWith('Invalid option') && !issue.message.startsWith('Invalid input');
        result.push(
          merged.issue(
            path,
            custom
              ? issue.message.replace(/^(unknown \w+ "[^"]*")/, `$1${hint}`)
              : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${hint}`,
          ),
        );
        break;
      }
      case 'invalid_key':
        result.push(merged.issue(path, `invalid key: ${issue.issues[0]?.message ?? issue.message}`, true));
        break;
      case 'too_small':
        result.push(merged.issue(path, tooSmall(issue)));
        break;
      case 'invalid_element':
      case 'too_big':
      case 'invalid_format':
      case 'not_multiple_of':
      case 'custom':
        result.push(merged.issue(path, issue.message));
        break;
    }
  }
  return result;
}
