import { createHash } from 'node:crypto';
import { loadBuiltinPlugins, loadConfiguredPlugin } from '../plugin-host/plugin.loader';
import { PluginRegistry } from '../plugin-host/plugin-registry';
import { ConfigIssue } from './config-issue';
import { mergeSources } from './config-merger';
import { parsePartialConfig } from './partial-config.parser';
import { ConfigReferencesValidator } from './config-references.validator';
import { mapSchemaIssues } from './schema-issue.mapper';
import { metronomeConfigSchema, MetronomeConfig } from './schema/metronome-config.schema';
import { resolveSecretReferences } from './secret-reference.resolver';
import { loadYamlSources } from './yaml-source.loader';

export interface LoadedConfig {
  config: MetronomeConfig;
  /** Folder relative paths in the config are resolved against. */
  baseDir: string;
  files: string[];
  /** sha256 of the files as written (references unresolved, so no secret enters the hash). */
  revisionHash: string;
  /** Values that came from ${env:…}/${file:…}: for redaction, never for output. */
  secrets: ReadonlySet<string>;
  plugins: PluginRegistry;
}

export type ConfigLoadResult = { ok: true; loaded: LoadedConfig } | { ok: false; issues: ConfigIssue[] };

export interface ConfigLoadOptions {
  env?: NodeJS.ProcessEnv;
  builtinPluginsDir?: string;
}

/** Reads, merges, resolves and validates a configuration file or folder, collecting every problem at once. */
export async function loadConfiguration(
  configPath: string,
  options: ConfigLoadOptions = {},
): Promise<ConfigLoadResult> {
  const { sources, baseDir, issues } = loadYamlSources(configPath);
  const secrets = resolveSecretReferences(sources, baseDir, options.env ?? process.env);
  issues.push(...secrets.issues);
  const { merged, issues: mergeIssues } = mergeSources(sources);
  issues.push(...mergeIssues);
  if (sources.length === 0) {
    return { ok: false, issues };
  }
  const parsed = metronomeConfigSchema.safeParse(merged.data);
  const partial = parsed.success ? undefined : parsePartialConfig(merged.data);
  if (!parsed.success) {
    issues.push(...mapSchemaIssues(metronomeConfigSchema, merged, parsed.error.issues));
  }
  const config = parsed.success ? parsed.data : partial!.config;
  const plugins = new PluginRegistry();
  loadBuiltinPlugins(options.builtinPluginsDir).forEach((plugin) => plugins.add(plugin));
  config.plugins.forEach((source, index) => {
    const plugin = loadConfiguredPlugin(source, baseDir);
    plugins.add(plugin);
    const registered = plugins.all()[plugins.all().length - 1];
    if (registered.status === 'failed') {
      issues.push(merged.issue(['plugins', index], `plugin "${registered.name}": ${registered.error}`));
    }
  });
  // A value whose ${env:…} failed is empty; its plugin would only repeat that problem at the same place.
  const secretPlaces = new Set(secrets.issues.map(placeOf));
  const referenceIssues = await new ConfigReferencesValidator(
    config,
    merged,
    plugins,
    baseDir,
    partial,
  ).validate();
  issues.push(...referenceIssues.filter((issue) => !secretPlaces.has(placeOf(issue))));
  if (issues.length > 0) {
    return { ok: false, issues };
  }
  const hash = createHash('sha256');
  for (const source of sources) {
    hash.update(source.file).update('\u0000').update(source.text).update('\u0000');
  }
  return {
    ok: true,
    loaded: {
      config,
      baseDir,
      files: sources.map((s) => s.file),
      revisionHash: hash.digest('hex'),
      secrets: secrets.secrets,
      plugins,
    },
  };
}

function placeOf(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}`;
}

/** One line that says what a valid configuration contains. */
export function summarizeConfig(loaded: LoadedConfig): string {
  const { config } = loaded;
  const brands = Object.values(config.brands);
  const channels = brands.reduce((sum, brand) => sum + Object.keys(brand.channels).length, 0);
  const loadedPlugins = loaded.plugins.all().filter((p) => p.status === 'loaded').length;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `${loaded.files.join(', ')}: ` +
    [
      count(brands.length, 'brand'),
      count(channels, 'channel'),
      count(Object.keys(config.people).length, 'person').replace('persons', 'people'),
      count(Object.keys(config.notifiers).length, 'notifier'),
      count(config.rules.length, 'rule'),
      count(Object.keys(config.escalations).length, 'escalation policy').replace('policys', 'policies'),
      count(loadedPlugins, 'plugin'),
    ].join(', ')
  );
}
