import type { PluginDefinition, PluginKind } from '../plugin-sdk';
import type { LoadedPlugin } from './loaded-plugin';
import { PluginRegistry } from './plugin-registry';

function loaded(kind: PluginKind, name: string, path: string): LoadedPlugin {
  return {
    status: 'loaded',
    name,
    kind,
    version: '1.0.0',
    origin: { type: 'builtin', path },
    definition: { kind, name } as unknown as PluginDefinition,
  };
}

describe('PluginRegistry', () => {
  it('lets a connector and a notifier share a name', () => {
    const registry = new PluginRegistry();
    registry.add(loaded('notifier', 'discord', '/p/discord'));
    registry.add(loaded('connector', 'discord', '/p/discord-connector'));
    expect(registry.find('notifier', 'discord')).toBeDefined();
    expect(registry.find('connector', 'discord')).toBeDefined();
    expect(registry.failure('discord')).toBeUndefined();
  });

  it('keeps the first plugin of a kind to claim a name and says why the second failed, for that kind only', () => {
    const registry = new PluginRegistry();
    registry.add(loaded('connector', 'acme', '/p/one'));
    registry.add(loaded('connector', 'acme', '/p/two'));
    expect(registry.failure('acme', 'connector')).toMatch(/already taken by built-in/);
    expect(registry.failure('acme', 'notifier')).toBeUndefined();
    expect(registry.names('connector')).toEqual(['acme']);
  });
});
