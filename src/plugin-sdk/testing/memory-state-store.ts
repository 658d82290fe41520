import type { PluginStateStore } from '../plugin-context';

/**
 * The SDK's state contract kept in memory, as the host's database-backed store behaves: values go through JSON
 * (a Date comes back as a string, exactly as from the database), `list` matches a literal prefix in key order.
 */
export function createMemoryStateStore(): PluginStateStore {
  const entries = new Map<string, string>();
  const read = <T>(key: string): T | undefined => {
    const value = entries.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  };
  return {
    get: async <T>(key: string) => read<T>(key),
    set: async (key, value) => {
      entries.set(key, serialise(key, value));
    },
    setIfAbsent: async <T>(key: string, value: T) => {
      const existing = read<T>(key);
      if (existing === undefined) {
        entries.set(key, serialise(key, value));
      }
      return existing;
    },
    delete: async (key) => {
      entries.delete(key);
    },
    list: async <T>(prefix: string) =>
      [...entries.keys()]
        .filter((key) => key.startsWith(prefix))
        .sort()
        .map((key) => ({ key, value: read<T>(key) as T })),
  };
}

function serialise(key: string, value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    // The database store cannot hold undefined either: say so where the plugin wrote it.
    throw new Error(
      `state.set("${key}"): the value must be JSON (got ${typeof value}); use state.delete to remove`,
    );
  }
  return text;
}
