import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { PluginKind } from '../../plugin-sdk';
import { PLUGIN_NAME, PLUGIN_NAME_RULE } from '../plugin-name';
import { metronomeInstallation, type MetronomeInstallation } from './metronome-installation';

export const SCAFFOLD_KINDS: readonly PluginKind[] = ['connector', 'notifier', 'report-template'];

export interface ScaffoldRequest {
  kind: string;
  name: string;
  /** The folder to write; it must not exist or be empty. */
  dir: string;
  installation?: MetronomeInstallation;
  /** Compile the folder with the installation's TypeScript (default true). */
  build?: boolean;
}

/** A request the scaffold refuses, with what to do instead. */
export class ScaffoldRefusal extends Error {}

/** `acme-intranet` → `AcmeIntranet`; a leading digit gets a prefix, since a class name cannot start with one. */
export function classNameOf(name: string): string {
  const pascal = name
    .split('-')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return /^[0-9]/.test(pascal) ? `Plugin${pascal}` : pascal;
}

function templatesOf(kind: string, root: string): string {
  const folder = join(root, 'templates', 'plugin-scaffold', kind);
  if (!existsSync(folder)) {
    throw new Error(`the scaffold templates are missing from this installation: ${folder}`);
  }
  return folder;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path).map((file) => join(entry, file)) : [entry];
  });
}

/**
 * Writes a working plugin folder: it builds, its own test passes, and `metronome validate` and `plugins list`
 * accept it as it is. Templates live in templates/plugin-scaffold/<kind>; `.tmpl` and the leading-dot-less
 * `gitignore` (npm drops dotfiles from packages) are renamed. Returns the files written, relative to `dir`.
 */
export interface ScaffoldResult {
  /** The files written, relative to the folder. */
  files: string[];
  /** Built with the installation's TypeScript (dist/ is there, so `metronome validate` loads it now), or why not. */
  build: { ok: true } | { ok: false; reason: string };
}

export function scaffoldPlugin(request: ScaffoldRequest): ScaffoldResult {
  if (!SCAFFOLD_KINDS.includes(request.kind as PluginKind)) {
    throw new ScaffoldRefusal(
      `unknown plugin kind "${request.kind}": write one of ${SCAFFOLD_KINDS.join(', ')}, e.g. \`metronome plugins new connector acme-intranet\``,
    );
  }
  if (!PLUGIN_NAME.test(request.name)) {
    throw new ScaffoldRefusal(
      `"${request.name}" is not a plugin name: ${PLUGIN_NAME_RULE}, e.g. "acme-intranet"`,
    );
  }
  if (
    existsSync(request.dir) &&
    (!statSync(request.dir).isDirectory() || readdirSync(request.dir).length > 0)
  ) {
    throw new ScaffoldRefusal(
      `${request.dir} is not empty: give an empty or new folder with --dir, so nothing of yours is overwritten`,
    );
  }
  const installation = request.installation ?? metronomeInstallation();
  const values: Record<string, string> = {
    __NAME__: request.name,
    __CLASS__: classNameOf(request.name),
    __METRONOME__: installation.root,
    __TYPESCRIPT__: installation.typescript,
    __TYPES_NODE__: installation.typesNode,
  };
  const fill = (text: string) =>
    text.replace(/__[A-Z_]+__/g, (placeholder) => values[placeholder] ?? placeholder);
  const templates = templatesOf(request.kind, installation.root);
  const written: string[] = [];
  for (const template of filesUnder(templates).sort()) {
    const target = fill(template)
      .replace(/\.tmpl$/, '')
      .replace(/(^|[/\\])gitignore$/, '$1.gitignore');
    const path = join(request.dir, target);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, fill(readFileSync(join(templates, template), 'utf8')), { flag: 'wx' });
    written.push(relative(request.dir, path));
  }
  // What `npm install` makes of the `file:` devDependency, made now so the folder builds and tests before it.
  mkdirSync(join(request.dir, 'node_modules'), { recursive: true });
  symlinkSync(installation.root, join(request.dir, 'node_modules', 'metronome'), 'junction');
  const build =
    request.build === false
      ? { ok: false as const, reason: 'not asked to build: run npm run build in the folder' }
      : buildWithInstallationTypeScript(request.dir, installation.root);
  return { files: written, build };
}

/**
 * The host loads JavaScript, so the folder is built right away when the installation has TypeScript (a checkout,
 * or an install with dev dependencies); a production install has none, and the author runs `npm install` first.
 */
function buildWithInstallationTypeScript(dir: string, root: string): ScaffoldResult['build'] {
  let tsc: string;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    return {
      ok: false,
      reason: 'this Metronome has no TypeScript: run npm install && npm run build in the folder',
    };
  }
  const result = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  return result.status === 0
    ? { ok: true }
    : { ok: false, reason: `tsc -p ${dir} failed:\n${result.stdout}${result.stderr}` };
}
