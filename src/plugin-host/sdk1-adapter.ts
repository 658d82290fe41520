import { satisfies } from 'semver';
import {
  SDK_VERSION,
  SDK1_COMPAT_VERSION,
  type ConnectorCapabilities,
  type PluginDefinition,
} from '../plugin-sdk';

/** A plugin written for SDK 1.x: it loads, through `adaptSdk1Plugin`. */
export function writtenForSdk1(range: string): boolean {
  return !satisfies(SDK_VERSION, range) && satisfies(SDK1_COMPAT_VERSION, range);
}

/**
 * Runs an SDK 1.x plugin on SDK 2. What changed for connectors (README, "Plugins"): `capabilities.textLimit` is gone
 * (`text.graphemes` says it), `publish` and `lookup` may answer "accepted, finishing", and `status`, `reply`,
 * `updateProfile` and `refreshCredentials` are new and optional. A 1.x connector keeps working unchanged: its
 * `textLimit` becomes `text.graphemes` when that is not set. Notifiers and report templates did not change.
 */
export function adaptSdk1Plugin(plugin: PluginDefinition): PluginDefinition {
  if (plugin.kind !== 'connector') {
    return plugin;
  }
  const capabilities = plugin.capabilities as ConnectorCapabilities & { textLimit?: unknown };
  const { textLimit, ...rest } = capabilities;
  if (typeof textLimit !== 'number' || rest.text?.graphemes !== undefined) {
    return { ...plugin, capabilities: rest };
  }
  return { ...plugin, capabilities: { ...rest, text: { ...rest.text, graphemes: textLimit } } };
}
