import type { PluginDefinition } from '../plugin-sdk';
import { validatePluginOptions, type OptionsResult } from './plugin-options.validator';

/** Where in the configuration a plugin's options are written, e.g. ["brands", "acme", "channels", "bsky", "options"]. */
export type OptionsPlace = ReadonlyArray<string | number>;

export const channelOptionsPlace = (brandId: string, channelKey: string): OptionsPlace => [
  'brands',
  brandId,
  'channels',
  channelKey,
  'options',
];

export const notifierOptionsPlace = (notifierId: string): OptionsPlace => [
  'notifiers',
  notifierId,
  'options',
];

export const reportTemplateOptionsPlace = (brandId: string): OptionsPlace => [
  'brands',
  brandId,
  'reports',
  'templateOptions',
];

/**
 * The plugins' options as their own schemas parsed them, kept by the place they are written at. The config
 * loader fills it while it validates the configuration, so a plugin is handed the value parsed at load and its
 * schema does not run again. A configuration built without the loader (a test's) is parsed on first use and
 * kept the same way. One per loaded configuration: a reload starts a new one.
 */
export class ConfiguredPluginOptions {
  private readonly parsed = new Map<string, { plugin: PluginDefinition; result: Promise<OptionsResult> }>();

  /** Keeps what `plugin`'s schema made of the options at `place` (the loader's validation). */
  keep(place: OptionsPlace, plugin: PluginDefinition, result: OptionsResult): void {
    this.parsed.set(keyOf(place), { plugin, result: Promise.resolve(result) });
  }

  /** The options at `place` as `plugin` parsed them: kept from the load, or parsed now (once) from `written`. */
  of(place: OptionsPlace, plugin: PluginDefinition, written: unknown): Promise<OptionsResult> {
    const key = keyOf(place);
    const kept = this.parsed.get(key);
    if (kept?.plugin === plugin) {
      return kept.result;
    }
    const result = validatePluginOptions(plugin, written);
    this.parsed.set(key, { plugin, result });
    return result;
  }
}

function keyOf(place: OptionsPlace): string {
  return JSON.stringify(place);
}
