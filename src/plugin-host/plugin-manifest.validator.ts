import { satisfies, valid, validRange } from 'semver';
import { SDK_VERSION, type PluginDefinition } from '../plugin-sdk';
import { capabilityLimitProblems } from './capability-limits.validator';
import { PLUGIN_NAME } from './plugin-name';
import { writtenForSdk1 } from './sdk1-adapter';

const KINDS = ['connector', 'notifier', 'report-template'];

/** Checks what a plugin module exported before the host trusts any of it. Returns the problems found. */
export function validatePluginManifest(candidate: unknown): string[] {
  if (typeof candidate !== 'object' || candidate === null) {
    return [
      'the module exports no plugin: export a definition made with defineConnector/defineNotifier/defineReportTemplate',
    ];
  }
  const plugin = candidate as Partial<PluginDefinition> & Record<string, unknown>;
  const problems: string[] = [];
  if (typeof plugin.name !== 'string' || !PLUGIN_NAME.test(plugin.name)) {
    problems.push('"name" must be lowercase letters, digits and dashes');
  }
  if (typeof plugin.version !== 'string' || !valid(plugin.version)) {
    problems.push('"version" must be a semver version such as "1.2.0"');
  }
  if (typeof plugin.kind !== 'string' || !KINDS.includes(plugin.kind)) {
    problems.push(`"kind" must be one of ${KINDS.join(', ')}`);
  }
  if (typeof plugin.sdk !== 'string' || !validRange(plugin.sdk)) {
    problems.push('"sdk" must be a semver range of supported SDK versions, e.g. "^2.0.0"');
  } else if (!satisfies(SDK_VERSION, plugin.sdk) && !writtenForSdk1(plugin.sdk)) {
    problems.push(
      `needs SDK ${plugin.sdk}, but this Metronome provides SDK ${SDK_VERSION} (and runs plugins written for SDK ^1.0.0 through an adapter): upgrade the plugin or Metronome`,
    );
  }
  if (typeof plugin.create !== 'function') {
    problems.push('"create" must be a function (context, options) => instance');
  }
  if (
    plugin.options !== undefined &&
    typeof (plugin.options as unknown as Record<string, unknown>)['~standard'] !== 'object'
  ) {
    problems.push('"options" must be a Standard Schema (e.g. a zod schema from the SDK\'s `z`)');
  }
  if (plugin.kind === 'connector') {
    const capabilities = plugin.capabilities as unknown;
    if (
      typeof capabilities !== 'object' ||
      capabilities === null ||
      typeof (capabilities as { publish?: unknown }).publish !== 'boolean'
    ) {
      problems.push('a connector must declare "capabilities" with at least { publish: true|false }');
    } else {
      problems.push(...capabilityLimitProblems(capabilities as Record<string, unknown>));
    }
  }
  return problems;
}
