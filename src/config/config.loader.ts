import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfiguredPluginOptions } from '../plugin-host/configured-plugin-options';
import { loadBuiltinPlugins, loadConfiguredPlugin } from '../plugin-host/plugin.loader';
import { PluginRegistry } from '../plugin-host/plugin-registry';
import { ConfigIssue, formatConfigPath } from './config-issue';
import {
  DuplicateDefinition,
  KeyedSection,
  MergedConfig,
  mergeSources,
  outlineOf,
  WrittenOutline,
} from './config-merger';
import { ConfigReferencesValidator, KnownIds } from './config-references.validator';
import { mapSchemaIssues } from './schema-issue.mapper';
import { metronomeConfigSchema, MetronomeConfig, pluginSourceSchema } from './schema/metronome-config.schema';
import { resolveSecretReferences } from './secret-reference.resolver';
import { keysOf, listOf } from './written-config.reader';
import { loadYamlSources } from './yaml-source.loader';

export interface LoadedConfig {
  config: MetronomeConfig;
  /** Folder relative paths in the config are resolved against. */
  baseDir: string;
  files: string[];
  /** sha256 of the files as written (references unresolved, so no secret enters the hash). */
  revisionHash: string;
  /** sha256 over every plugin's code as imported: a reload with new plugin code is a new configuration. */
  pluginCodeHash?: string;
  /** Values that came from ${env:…}/${file:…}: for redaction, never for output. */
  secrets: ReadonlySet<string>;
  /** sha256 over the references and their values as read: a renewed secret is a new configuration. */
  secretsHash?: string;
  plugins: PluginRegistry;
  /** The plugins' options as their schemas parsed them while the configuration was validated. */
  pluginOptions: ConfiguredPluginOptions;
}

export type ConfigLoadResult =
  | { ok: true; loaded: LoadedConfig; notes: ConfigIssue[] }
  | {
      ok: false;
      issues: ConfigIssue[];
      notes: ConfigIssue[];
      /** Every plugin tried, even for an invalid config (absent when no file could be read at all). */
      plugins?: PluginRegistry;
    };

export interface ConfigLoadOptions {
  env?: NodeJS.ProcessEnv;
  builtinPluginsDir?: string;
  /**
   * For CI without production secrets: a secret reference that cannot be resolved (unset variable, missing
   * file) is a note, not an error; its syntax is still checked.
   */
  withoutSecrets?: boolean;
}

/** Reads, merges, resolves and validates a configuration file or folder, collecting every problem at once. */
export async function loadConfiguration(
  configPath: string,
  options: ConfigLoadOptions = {},
): Promise<ConfigLoadResult> {
  const { sources, broken, baseDir, issues } = loadYamlSources(configPath);
  const secrets = resolveSecretReferences(sources, baseDir, options.env ?? process.env, {
    unresolvedAreNotes: options.withoutSecrets === true,
  });
  issues.push(...secrets.issues);
  const notes = secrets.notes;
  const { merged, duplicates, unreadable, issues: mergeIssues } = mergeSources(sources);
  const outlines = [...broken, ...unreadable].map(outlineOf);
  // A section written in a file that could not be read is not missing: its file's error says enough.
  const unreadSections = new Set(outlines.flatMap((outline) => outline.sections));
  issues.push(...mergeIssues);
  if (sources.length === 0) {
    return { ok: false, issues, notes };
  }
  // A value whose secret could not be read is empty; later checks would only repeat that at the same place.
  const secretPlaces = new Set([...secrets.issues, ...notes].map(placeOf));
  const schemaIssues: ConfigIssue[] = [];
  const parsed = metronomeConfigSchema.safeParse(merged.data);
  if (!parsed.success) {
    schemaIssues.push(...mapSchemaIssues(metronomeConfigSchema, merged, parsed.error.issues));
  }
  for (const duplicate of duplicates) {
    schemaIssues.push(...checkDuplicateSchema(duplicate));
  }
  issues.push(
    ...schemaIssues.filter(
      (issue) =>
        !secretPlaces.has(placeOf(issue)) &&
        !(
          issue.path.length === 1 &&
          unreadSections.has(String(issue.path[0])) &&
          !(issue.path[0] in merged.data)
        ),
    ),
  );

  const plugins = new PluginRegistry();
  loadBuiltinPlugins(options.builtinPluginsDir).forEach((plugin) => plugins.add(plugin));
  listOf(merged.data.plugins).forEach((entry, index) => {
    const source = pluginSourceSchema.safeParse(entry);
    if (!source.success) {
      return; // the schema has reported it
    }
    plugins.add(loadConfiguredPlugin(source.data, baseDir));
    const registered = plugins.all()[plugins.all().length - 1];
    if (registered.status === 'failed') {
      issues.push(merged.issue(['plugins', index], `plugin "${registered.name}": ${registered.error}`));
    }
  });

  const ids = knownIds(merged, outlines);
  const pluginOptions = new ConfiguredPluginOptions();
  const referenceIssues = await new ConfigReferencesValidator(
    merged,
    ids,
    plugins,
    baseDir,
    pluginOptions,
  ).validate();
  for (const duplicate of duplicates) {
    referenceIssues.push(
      ...(await new ConfigReferencesValidator(
        MergedConfig.ofDuplicate(duplicate),
        ids,
        plugins,
        baseDir,
      ).validate()),
    );
  }
  // The schema already said what is wrong at a place; "unknown person" for an id it rejected adds nothing.
  const schemaPlaces = new Set(schemaIssues.map(placeAndPath));
  issues.push(
    ...referenceIssues.filter(
      (issue) => !secretPlaces.has(placeOf(issue)) && !schemaPlaces.has(placeAndPath(issue)),
    ),
  );
  if (issues.length > 0 || !parsed.success) {
    return { ok: false, issues, notes, plugins };
  }
  const hash = createHash('sha256');
  for (const source of sources) {
    hash.update(source.file).update('\u0000').update(source.text).update('\u0000');
  }
  return {
    ok: true,
    notes,
    loaded: {
      config: parsed.data,
      baseDir,
      files: sources.map((s) => s.file),
      revisionHash: hash.digest('hex'),
      pluginCodeHash: pluginCodeHash(plugins),
      secrets: secrets.secrets,
      secretsHash: secrets.secretsHash,
      plugins,
      pluginOptions,
    },
  };
}

/** A definition that lost to an earlier one is checked against its own section's schema, in its own file. */
function checkDuplicateSchema(duplicate: DuplicateDefinition): ConfigIssue[] {
  const [section] = duplicate.path;
  if (!Object.hasOwn(metronomeConfigSchema.shape, section)) {
    return [];
  }
  const shape = metronomeConfigSchema.shape as Record<string, z.ZodType>;
  const schema = z.strictObject({ [section]: shape[section] });
  const single = MergedConfig.ofDuplicate(duplicate);
  const parsed = schema.safeParse(single.data);
  return parsed.success ? [] : mapSchemaIssues(schema, single, parsed.error.issues);
}

function knownIds(merged: MergedConfig, outlines: WrittenOutline[]): KnownIds {
  const ids = (section: KeyedSection) => [
    ...new Set([...keysOf(merged.data[section]), ...outlines.flatMap((outline) => outline.ids[section])]),
  ];
  return {
    people: ids('people'),
    notifiers: ids('notifiers'),
    policies: ids('escalations'),
    brands: ids('brands'),
  };
}

function pluginCodeHash(plugins: PluginRegistry): string {
  const hash = createHash('sha256');
  for (const plugin of plugins.all()) {
    hash.update(`${plugin.kind ?? ''}\u0000${plugin.name}\u0000${plugin.codeHash ?? plugin.status}\u0000`);
  }
  return hash.digest('hex');
}

function placeOf(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}`;
}

function placeAndPath(issue: ConfigIssue): string {
  return `${placeOf(issue)} ${formatConfigPath(issue.path)}`;
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
