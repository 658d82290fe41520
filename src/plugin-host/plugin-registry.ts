import type { PluginDefinition, PluginKind } from '../plugin-sdk';
import { describeOrigin, LoadedPlugin } from './loaded-plugin';

/**
 * All plugins the host knows of, loaded or not, by kind and name. The first plugin to claim a name of its kind keeps
 * it; a connector and a notifier may share a name (`discord` publishes and notifies).
 */
export class PluginRegistry {
  private readonly plugins: LoadedPlugin[] = [];

  add(plugin: LoadedPlugin): void {
    const existing = this.plugins.find(
      (p) => p.status === 'loaded' && p.kind === plugin.kind && p.name === plugin.name,
    );
    if (existing && plugin.status === 'loaded') {
      this.plugins.push({
        status: 'failed',
        name: plugin.name,
        kind: plugin.kind,
        version: plugin.version,
        origin: plugin.origin,
        error: `the name "${plugin.name}" is already taken by ${describeOrigin(existing.origin)}: rename the plugin`,
      });
      return;
    }
    this.plugins.push(plugin);
  }

  all(): readonly LoadedPlugin[] {
    return this.plugins;
  }

  find<K extends PluginKind>(kind: K, name: string): Extract<PluginDefinition, { kind: K }> | undefined {
    const plugin = this.plugins.find((p) => p.status === 'loaded' && p.kind === kind && p.name === name);
    return plugin?.status === 'loaded'
      ? (plugin.definition as Extract<PluginDefinition, { kind: K }>)
      : undefined;
  }

  /** Why a plugin of this name (and kind, when given) is unusable, if one was tried. */
  failure(name: string, kind?: PluginKind): string | undefined {
    const plugin = this.plugins.find(
      (p) =>
        p.name === name &&
        p.status === 'failed' &&
        (kind === undefined || p.kind === undefined || p.kind === kind),
    );
    return plugin?.status === 'failed' ? plugin.error : undefined;
  }

  names(kind: PluginKind): string[] {
    return this.plugins.filter((p) => p.status === 'loaded' && p.kind === kind).map((p) => p.name);
  }
}
