import { Alias, isAlias, isCollection, isMap, isPair, isScalar, visit } from 'yaml';
import { ConfigIssue } from './config-issue';
import { locateInSource, YamlPosition } from './yaml-locator';
import { YamlSource } from './yaml-source.loader';

/** Sections whose entries are keyed by id: files may each add entries, but never the same id twice. */
export const KEYED_SECTIONS = ['people', 'notifiers', 'brands', 'escalations', 'guards'] as const;
export type KeyedSection = (typeof KEYED_SECTIONS)[number];
const KEYED = new Set<string>(KEYED_SECTIONS);
/** Sections that are lists: entries from every file are concatenated in file order. */
const LIST_SECTIONS = new Set(['rules', 'plugins']);
/** Alias uses a file may expand to; beyond it the YAML library refuses (an "alias bomb"). */
const MAX_ALIAS_COUNT = 100;

interface Owner {
  source: YamlSource;
  /** For list sections: the entry's index inside its own file. */
  localIndex?: number;
}

/**
 * A definition that lost to an earlier one with the same id (or section). It is not merged, but it is still
 * checked on its own, so a mistake inside it does not hide behind the "duplicate id" error.
 */
export interface DuplicateDefinition {
  /** [section] or [section, id]. */
  path: [string] | [string, string];
  value: unknown;
  source: YamlSource;
}

/** The merged configuration and a way to turn any path in it back into file:line:col. */
export class MergedConfig {
  private readonly owners = new Map<string, Owner>();

  constructor(
    readonly data: Record<string, unknown>,
    readonly sources: YamlSource[],
  ) {}

  /** A configuration holding only one duplicate definition, positioned in its own file. */
  static ofDuplicate(duplicate: DuplicateDefinition): MergedConfig {
    const [section, id] = duplicate.path;
    const data = { [section]: id === undefined ? duplicate.value : { [id]: duplicate.value } };
    const single = new MergedConfig(data, [duplicate.source]);
    single.own(duplicate.path, { source: duplicate.source });
    return single;
  }

  own(path: ReadonlyArray<string | number>, owner: Owner): void {
    this.owners.set(path.join('\u0000'), owner);
  }

  ownerOf(path: ReadonlyArray<string | number>): Owner | undefined {
    for (let length = Math.min(path.length, 2); length > 0; length--) {
      const owner = this.owners.get(path.slice(0, length).join('\u0000'));
      if (owner) {
        return owner;
      }
    }
    return undefined;
  }

  locate(path: ReadonlyArray<string | number>, atKey = false, innerOffset?: number): Partial<YamlPosition> {
    const owner = this.ownerOf(path);
    if (!owner) {
      const first = this.sources[0];
      return first ? { file: first.file, line: 1, col: 1 } : {};
    }
    const localPath = owner.localIndex === undefined ? path : [path[0], owner.localIndex, ...path.slice(2)];
    return locateInSource(owner.source, localPath, atKey, innerOffset);
  }

  issue(path: ReadonlyArray<string | number>, message: string, atKey = false): ConfigIssue {
    return { ...this.locate(path, atKey), path, message };
  }

  /** An issue at a character inside a scalar value, such as the token a CEL condition fails on. */
  issueWithin(path: ReadonlyArray<string | number>, innerOffset: number, message: string): ConfigIssue {
    return { ...this.locate(path, false, innerOffset), path, message };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The file's data as plain values. Aliases that expand past the limit make the YAML library throw; that is a
 * mistake in the file (or an attack), reported at the alias that multiplies the data, never a crash.
 */
function contentOf(source: YamlSource): { content: unknown } | { issue: ConfigIssue } {
  const complexKey = firstComplexKey(source);
  if (complexKey) {
    return {
      issue: {
        ...positionAt(source, complexKey),
        path: [],
        message: 'YAML: a key must be plain text, not a list or mapping (`? [a, b]: …`)',
      },
    };
  }
  try {
    return { content: source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    if (error instanceof ReferenceError) {
      const alias = amplifyingAlias(source);
      return {
        issue: {
          ...locateInSource(source, []),
          ...(alias?.range ? positionAt(source, alias.range[0]) : {}),
          path: [],
          message: `YAML: aliases expand to more than ${MAX_ALIAS_COUNT} copies (${error.message}): write the values out or use fewer *aliases`,
        },
      };
    }
    // The other failures of turning a parsed document into data come from merge keys (`<<: *x` where x is
    // not a mapping, or names no anchor); point at the first one.
    const mergeKey = firstMergeKey(source);
    return {
      issue: {
        ...locateInSource(source, []),
        ...(mergeKey === undefined ? {} : positionAt(source, mergeKey)),
        path: [],
        message: `YAML: ${(error as Error).message}: a merge key (<<) takes an alias of a mapping defined above it, e.g. <<: *defaults`,
      },
    };
  }
}

function firstMergeKey(source: YamlSource): number | undefined {
  let found: number | undefined;
  visit(source.doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && (pair.key.value === '<<' || pair.key.source === '<<')) {
        found = pair.key.range?.[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** Where a mapping uses a list or mapping as a key: config keys are ids and field names, never that. */
function firstComplexKey(source: YamlSource): number | undefined {
  let found: number | undefined;
  visit(source.doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) {
        found = pair.key.range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The first alias whose anchored value itself contains aliases: where the expansion multiplies. */
function amplifyingAlias(source: YamlSource): Alias | undefined {
  let first: Alias | undefined;
  let amplifying: Alias | undefined;
  visit(source.doc, {
    Alias(_key, node) {
      first ??= node;
      const target = node.resolve(source.doc);
      let nested = false;
      if (isCollection(target)) {
        visit(target, {
          Alias() {
            nested = true;
            return visit.BREAK;
          },
        });
      }
      if (nested) {
        amplifying = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return amplifying ?? first;
}

function positionAt(source: YamlSource, offset: number): YamlPosition {
  const at = source.lines.linePos(offset);
  return { file: source.file, line: at.line, col: at.col };
}

export function mergeSources(sources: YamlSource[]): {
  merged: MergedConfig;
  duplicates: DuplicateDefinition[];
  /** Files whose data could not be read (aliases expanding too far). */
  unreadable: YamlSource[];
  issues: ConfigIssue[];
} {
  const data: Record<string, unknown> = {};
  const merged = new MergedConfig(data, sources);
  const issues: ConfigIssue[] = [];
  const duplicates: DuplicateDefinition[] = [];
  const unreadable: YamlSource[] = [];
  for (const source of sources) {
    const read = contentOf(source);
    if ('issue' in read) {
      issues.push(read.issue);
      unreadable.push(source);
      continue;
    }
    const { content } = read;
    if (content === null || content === undefined) {
      continue;
    }
    if (!isRecord(content)) {
      issues.push({
        ...locateInSource(source, []),
        path: [],
        message: 'a config file must be a mapping of sections (brands:, people:, …)',
      });
      continue;
    }
    for (const [section, value] of Object.entries(content)) {
      if ((KEYED.has(section) || LIST_SECTIONS.has(section)) && !merged.ownerOf([section])) {
        merged.own([section], { source });
      }
      if (KEYED.has(section) && isRecord(value) && (!(section in data) || isRecord(data[section]))) {
        const target = isRecord(data[section]) ? data[section] : (data[section] = {});
        for (const [id, entry] of Object.entries(value)) {
          if (Object.hasOwn(target, id)) {
            const first = merged.locate([section, id], true);
            issues.push({
              ...locateInSource(source, [section, id], true),
              path: [section, id],
              message: `duplicate id "${id}": already defined at ${first.file}:${first.line}:${first.col}; ids must be unique across files`,
            });
            duplicates.push({ path: [section, id], value: entry, source });
            continue;
          }
          target[id] = entry;
          merged.own([section, id], { source });
        }
      } else if (
        LIST_SECTIONS.has(section) &&
        Array.isArray(value) &&
        (!(section in data) || Array.isArray(data[section]))
      ) {
        const target = Array.isArray(data[section]) ? (data[section] as unknown[]) : (data[section] = []);
        value.forEach((entry, localIndex) => {
          merged.own([section, target.length], { source, localIndex });
          target.push(entry);
        });
      } else if (section in data) {
        const first = merged.locate([section], true);
        issues.push({
          ...locateInSource(source, [section], true),
          path: [section],
          message: `section "${section}" is already defined at ${first.file}:${first.line}:${first.col}: define it in one file only`,
        });
        duplicates.push({ path: [section], value, source });
      } else {
        data[section] = value;
        merged.own([section], { source });
      }
    }
  }
  return { merged, duplicates, unreadable, issues };
}

/** What a file that could not be used still shows: its sections, and the ids of its keyed sections. */
export interface WrittenOutline {
  sections: string[];
  ids: Record<KeyedSection, string[]>;
}

/**
 * The outline of a file with a YAML syntax error (or aliases expanding too far), read from what the parser
 * recovered. Its content is not checked, but "required section missing" or "unknown person" for what it
 * defines would be false errors.
 */
export function outlineOf(source: YamlSource): WrittenOutline {
  const ids = Object.fromEntries(KEYED_SECTIONS.map((section) => [section, [] as string[]])) as Record<
    KeyedSection,
    string[]
  >;
  const sections: string[] = [];
  const root = source.doc.contents;
  if (!isMap(root)) {
    return { sections, ids };
  }
  for (const item of root.items) {
    if (isPair(item) && isScalar(item.key)) {
      sections.push(String(item.key.value));
    }
    if (!isPair(item) || !isScalar(item.key) || !KEYED.has(String(item.key.value)) || !isMap(item.value)) {
      continue;
    }
    for (const entry of item.value.items) {
      if (isPair(entry) && isScalar(entry.key) && !isAlias(entry.key)) {
        ids[String(item.key.value) as KeyedSection].push(String(entry.key.value));
      }
    }
  }
  return { sections, ids };
}
