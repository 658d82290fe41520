import { ConfigIssue } from './config-issue';
import { locateInSource, YamlPosition } from './yaml-locator';
import { YamlSource } from './yaml-source.loader';

/** Sections whose entries are keyed by id: files may each add entries, but never the same id twice. */
const KEYED_SECTIONS = new Set(['people', 'notifiers', 'brands', 'escalations', 'guards']);
/** Sections that are lists: entries from every file are concatenated in file order. */
const LIST_SECTIONS = new Set(['rules', 'plugins']);

interface Owner {
  source: YamlSource;
  /** For list sections: the entry's index inside its own file. */
  localIndex?: number;
}

/** The merged configuration and a way to turn any path in it back into file:line:col. */
export class MergedConfig {
  private readonly owners = new Map<string, Owner>();

  constructor(
    readonly data: Record<string, unknown>,
    readonly sources: YamlSource[],
  ) {}

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

export function mergeSources(sources: YamlSource[]): { merged: MergedConfig; issues: ConfigIssue[] } {
  const data: Record<string, unknown> = {};
  const merged = new MergedConfig(data, sources);
  const issues: ConfigIssue[] = [];
  for (const source of sources) {
    const content: unknown = source.doc.toJS({ maxAliasCount: 100 });
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
      if ((KEYED_SECTIONS.has(section) || LIST_SECTIONS.has(section)) && !merged.ownerOf([section])) {
        merged.own([section], { source });
      }
      if (KEYED_SECTIONS.has(section) && isRecord(value)) {
        const target = isRecord(data[section]) ? data[section] : (data[section] = {});
        for (const [id, entry] of Object.entries(value)) {
          if (id in target) {
            const first = merged.locate([section, id], true);
            issues.push({
              ...locateInSource(source, [section, id], true),
              path: [section, id],
              message: `duplicate id "${id}": already defined at ${first.file}:${first.line}:${first.col}; ids must be unique across files`,
            });
            continue;
          }
          target[id] = entry;
          merged.own([section, id], { source });
        }
      } else if (LIST_SECTIONS.has(section) && Array.isArray(value)) {
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
      } else {
        data[section] = value;
        merged.own([section], { source });
      }
    }
  }
  return { merged, issues };
}
