import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isPair, isScalar, isSeq, visit } from 'yaml';
import { ConfigIssue } from './config-issue';
import { YamlSource } from './yaml-source.loader';

const REFERENCE = /\$\{(env|file):([^}]*)\}/g;
/** What is left of a reference once the valid ones are replaced: `${envv:X}`, `${env:X` without its brace. */
const MALFORMED = /\$\{[A-Za-z]+:[^}]*\}?/;

export interface SecretResolution {
  issues: ConfigIssue[];
  /** References that could not be resolved in `unresolvedAreNotes` mode: shown, not failed on. */
  notes: ConfigIssue[];
  /** Resolved values that came from references: never to be logged or stored. */
  secrets: Set<string>;
  /**
   * sha256 over every reference and the value it resolved to: a renewed secret file or variable changes it while
   * the files as written (the revision hash) stay the same. A digest, never the values themselves.
   */
  secretsHash: string;
}

/**
 * Replaces `${env:NAME}` and `${file:path}` inside string scalars, in place, so positions stay exact.
 * `${file:…}` is relative to the config folder; its trailing newline is dropped (as in Docker secrets).
 */
export function resolveSecretReferences(
  sources: YamlSource[],
  baseDir: string,
  env: NodeJS.ProcessEnv = process.env,
  mode: { unresolvedAreNotes?: boolean } = {},
): SecretResolution {
  const issues: ConfigIssue[] = [];
  const notes: ConfigIssue[] = [];
  const secrets = new Set<string>();
  const hash = createHash('sha256');
  for (const source of sources) {
    visit(source.doc, {
      Scalar(_key, node, ancestors) {
        if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) {
          return;
        }
        const at = source.lines.linePos(node.range?.[0] ?? 0);
        const place = { file: source.file, line: at.line, col: at.col, path: pathOf([...ancestors, node]) };
        const written = node.value;
        node.value = written.replace(REFERENCE, (_match, kind: string, name: string) => {
          const value = kind === 'env' ? readEnv(name, env) : readSecretFile(name, baseDir);
          hash.update(
            `${source.file}\u0000${kind}:${name}\u0000${typeof value === 'string' ? value : ''}\u0000`,
          );
          if (typeof value === 'string') {
            secrets.add(value);
            return value;
          }
          if ('unavailable' in value && mode.unresolvedAreNotes) {
            notes.push({ ...place, message: value.unavailable });
          } else {
            issues.push({ ...place, message: 'unavailable' in value ? value.unavailable : value.error });
          }
          return '';
        });
        const malformed = MALFORMED.exec(written.replace(REFERENCE, ''));
        if (malformed) {
          issues.push({
            ...place,
            message: `"${malformed[0]}" is not a secret reference: write \${env:NAME} or \${file:path}`,
          });
        }
      },
    });
  }
  return { issues, notes, secrets, secretsHash: hash.digest('hex') };
}

/** `error`: the reference itself is wrong. `unavailable`: it is right, but its value is not here. */
type Unresolved = { error: string } | { unavailable: string };

function readEnv(name: string, env: NodeJS.ProcessEnv): string | Unresolved {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return { error: `"\${env:${name}}" is not a valid environment variable name` };
  }
  const value = env[name];
  if (value === undefined || value === '') {
    return {
      unavailable: `environment variable ${name} is not set: set it before starting Metronome (or remove the reference)`,
    };
  }
  return value;
}

function readSecretFile(path: string, baseDir: string): string | Unresolved {
  if (path.trim() === '') {
    return { error: '"${file:}" names no file: write ${file:path/relative/to/the/config/folder}' };
  }
  const absolute = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    return readFileSync(absolute, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    return {
      unavailable: `cannot read secret file "${path}" (${(error as NodeJS.ErrnoException).code ?? 'error'}): paths are relative to the config folder`,
    };
  }
}

/** The key path of a node from its ancestors, e.g. ['brands', 'acme', 'channels', 0]. */
function pathOf(chain: readonly unknown[]): Array<string | number> {
  const path: Array<string | number> = [];
  chain.forEach((node, i) => {
    if (isPair(node) && isScalar(node.key)) {
      path.push(String(node.key.value));
    } else if (isSeq(node)) {
      path.push(node.items.indexOf(chain[i + 1]));
    }
  });
  return path;
}
