import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { Document, LineCounter, parseDocument } from 'yaml';
import { ConfigIssue } from './config-issue';

/** One parsed YAML file, with what is needed to point back into it. */
export interface YamlSource {
  /** Path as shown to people: relative to the working directory. */
  file: string;
  absolutePath: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export interface LoadedSources {
  sources: YamlSource[];
  /** Files with YAML syntax errors: not checked, but the ids they define are known to references. */
  broken: YamlSource[];
  /** Folder that relative paths in the config (content folders, ${file:…}, plugin paths) are resolved against. */
  baseDir: string;
  issues: ConfigIssue[];
}

export function displayPath(absolutePath: string): string {
  const rel = relative(process.cwd(), absolutePath);
  return rel.startsWith('..') ? absolutePath : rel;
}

/** Lists the YAML files of a config path: the file itself, or the *.yaml / *.yml directly inside a folder. */
function listConfigFiles(path: string): { files: string[]; baseDir: string } {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return { files: [path], baseDir: dirname(path) };
  }
  const files = readdirSync(path)
    .filter((name) => !name.startsWith('.') && ['.yaml', '.yml'].includes(extname(name)))
    .sort()
    .map((name) => join(path, name));
  return { files, baseDir: path };
}

export function loadYamlSources(configPath: string): LoadedSources {
  const absolute = resolve(configPath);
  let listing: { files: string[]; baseDir: string };
  try {
    listing = listConfigFiles(absolute);
  } catch (error) {
    return {
      sources: [],
      broken: [],
      baseDir: dirname(absolute),
      issues: [
        {
          file: displayPath(absolute),
          path: [],
          message: `cannot read the configuration (${(error as NodeJS.ErrnoException).code ?? String(error)}): check the path or set METRONOME_CONFIG / --config`,
        },
      ],
    };
  }
  const issues: ConfigIssue[] = [];
  if (listing.files.length === 0) {
    issues.push({ file: displayPath(absolute), path: [], message: 'the folder holds no .yaml or .yml file' });
  }
  const sources: YamlSource[] = [];
  const broken: YamlSource[] = [];
  for (const absolutePath of listing.files) {
    const file = displayPath(absolutePath);
    let text: string;
    try {
      text = readFileSync(absolutePath, 'utf8');
    } catch (error) {
      issues.push({
        file,
        path: [],
        message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      });
      continue;
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      uniqueKeys: true,
      merge: true,
      // Problems become config issues; the library must not print warnings of its own.
      logLevel: 'error',
    });
    // One mistake often trips the parser several times on the same line (a mis-indented key gives
    // "nested mappings" and "implicit keys" at one position): report it once.
    const reportedLines = new Set<number>();
    for (const error of doc.errors) {
      const pos = lines.linePos(error.pos[0]);
      if (reportedLines.has(pos.line)) {
        continue;
      }
      reportedLines.add(pos.line);
      issues.push({
        file,
        line: pos.line,
        col: pos.col,
        path: [],
        message: `YAML: ${firstLine(error.message)}`,
      });
    }
    (doc.errors.length === 0 ? sources : broken).push({ file, absolutePath, text, doc, lines });
  }
  return { sources, broken, baseDir: listing.baseDir, issues };
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
