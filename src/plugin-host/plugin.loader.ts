import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import validateNpmPackageName from 'validate-npm-package-name';
import * as sdk from '../plugin-sdk';
import type { PluginDefinition } from '../plugin-sdk';
import { LoadedPlugin, PluginOrigin } from './loaded-plugin';
import { adaptSdk1Plugin, writtenForSdk1 } from './sdk1-adapter';
import { validatePluginManifest } from './plugin-manifest.validator';
import { importPluginModule } from './plugin-module.importer';
import { installSdkResolution } from './sdk-resolution';

/** Where the built-in plugins live: `plugins/` beside `src/` (compiled to dist/plugins). */
export const BUILTIN_PLUGINS_DIR = resolve(__dirname, '..', '..', 'plugins');
/** Metronome's installation: `package:` plugins resolve from its node_modules (and those above it) only. */
const INSTALLATION_DIR = resolve(__dirname, '..', '..');

export type PluginSource = { path: string } | { package: string };

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

/**
 * A plugin module exports its definition (default or module.exports), or a function that receives the SDK
 * and returns it: the second form lets plugins outside this repository use the SDK without resolving it.
 */
function definitionFrom(moduleExports: unknown): unknown {
  const exported =
    typeof moduleExports === 'object' && moduleExports !== null && 'default' in moduleExports
      ? moduleExports.default
      : moduleExports;
  return typeof exported === 'function' && !('kind' in exported)
    ? (exported as (s: typeof sdk) => unknown)(sdk)
    : exported;
}

/** Imports and checks a plugin; `root` is its own folder, whose files are re-imported when they change. */
function load(entry: string, root: string, origin: PluginOrigin, fallbackName: string): LoadedPlugin {
  // A plugin imports the SDK by name (`metronome/plugin-sdk`) and must get this process's instance of it.
  installSdkResolution();
  const imported = importPluginModule(entry, root);
  if (!imported.ok) {
    return { status: 'failed', name: fallbackName, origin, error: `cannot load: ${imported.error}` };
  }
  const { codeHash } = imported;
  let definition: unknown;
  try {
    definition = definitionFrom(imported.exports);
  } catch (error) {
    return {
      status: 'failed',
      name: fallbackName,
      origin,
      codeHash,
      error: `cannot load: the exported function threw: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  const problems = validatePluginManifest(definition);
  const partial = (definition ?? {}) as Partial<PluginDefinition>;
  const name = typeof partial.name === 'string' ? partial.name : fallbackName;
  if (problems.length > 0) {
    return {
      status: 'failed',
      name,
      kind: partial.kind,
      version: partial.version,
      origin,
      codeHash,
      error: problems.join('; '),
    };
  }
  const valid = writtenForSdk1((definition as PluginDefinition).sdk)
    ? adaptSdk1Plugin(definition as PluginDefinition)
    : (definition as PluginDefinition);
  return {
    status: 'loaded',
    name: valid.name,
    kind: valid.kind,
    version: valid.version,
    origin,
    codeHash,
    definition: valid,
  };
}

function entryOf(folder: string): string | undefined {
  return ['index.js', 'index.ts'].map((file) => join(folder, file)).find((file) => existsSync(file));
}

/** Loads every built-in plugin folder. A broken one is reported, never fatal. */
export function loadBuiltinPlugins(dir = BUILTIN_PLUGINS_DIR): LoadedPlugin[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .flatMap((name) => {
      const entry = entryOf(join(dir, name));
      const folder = join(dir, name);
      return entry ? [load(entry, folder, { type: 'builtin', path: folder }, name)] : [];
    });
}

/** The folder of an installed package: the nearest package.json above its entry that names it. */
function packageRoot(entry: string, name: string): string {
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === name) {
          return dir;
        }
      } catch {
        // not the package's own manifest; keep walking up
      }
    }
  }
  return dirname(entry);
}

/**
 * A `package:` entry must be a package name: a path ("../outside/plug", "/abs", "pkg/../../x") would let a
 * config load code from anywhere, past the containment `path:` entries get; a Node built-in is no plugin.
 */
function packageNameRefusal(name: string): string | undefined {
  const validation = validateNpmPackageName(name);
  if (validation.validForOldPackages && !isBuiltin(name)) {
    return undefined;
  }
  const reason = isBuiltin(name)
    ? 'it names a Node.js built-in module'
    : (validation.errors ?? validation.warnings ?? ['not a valid name'])[0];
  return `"${name}" is not an npm package name: ${reason}; use \`path:\` for a plugin folder inside the config folder`;
}

/** A package.json "main" naming a file not there yet: a TypeScript plugin that was not built. */
function unbuiltMain(folder: string): string | undefined {
  try {
    const main = (JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { main?: unknown }).main;
    return typeof main === 'string' && !existsSync(join(folder, main))
      ? `package.json "main" names ${main}, which does not exist: build the plugin (npm run build in ${folder})`
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads a plugin named in the config. A path must stay inside the config folder and its entry inside the
 * plugin folder (after resolving symlinks), so a config cannot make Metronome execute files elsewhere.
 */
export function loadConfiguredPlugin(source: PluginSource, baseDir: string): LoadedPlugin {
  if ('package' in source) {
    const origin: PluginOrigin = { type: 'package', name: source.package };
    const refusal = packageNameRefusal(source.package);
    if (refusal) {
      return { status: 'failed', name: source.package, origin, error: refusal };
    }
    let entry: string;
    try {
      entry = require.resolve(source.package, { paths: [INSTALLATION_DIR] });
    } catch {
      return {
        status: 'failed',
        name: source.package,
        origin,
        error: `npm package "${source.package}" is not installed: run npm install ${source.package}`,
      };
    }
    return load(entry, packageRoot(entry, source.package), origin, source.package);
  }
  const origin: PluginOrigin = { type: 'path', path: source.path };
  const folder = resolve(baseDir, source.path);
  if (!existsSync(folder)) {
    return { status: 'failed', name: source.path, origin, error: `folder ${folder} does not exist` };
  }
  const realBase = realpathSync(baseDir);
  const realFolder = realpathSync(folder);
  if (!isInside(realFolder, realBase)) {
    return {
      status: 'failed',
      name: source.path,
      origin,
      error: `plugin path escapes the config folder (${realBase}): move the plugin inside it`,
    };
  }
  let entry: string | undefined;
  try {
    entry = require.resolve(realFolder);
  } catch {
    entry = entryOf(realFolder);
  }
  if (!entry) {
    return {
      status: 'failed',
      name: source.path,
      origin,
      error: unbuiltMain(realFolder) ?? 'no entry point: add index.js or a package.json "main"',
    };
  }
  if (!isInside(realpathSync(entry), realFolder)) {
    return {
      status: 'failed',
      name: source.path,
      origin,
      error: 'the plugin entry point lies outside the plugin folder',
    };
  }
  return load(entry, realFolder, origin, source.path);
}
