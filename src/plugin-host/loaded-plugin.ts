import type { PluginDefinition, PluginKind } from '../plugin-sdk';

export type PluginOrigin =
  { type: 'builtin'; path: string } | { type: 'path'; path: string } | { type: 'package'; name: string };

/** A plugin the host tried to load: either usable, or failed with a reason a person can act on. */
export type LoadedPlugin =
  | {
      status: 'loaded';
      name: string;
      kind: PluginKind;
      version: string;
      origin: PluginOrigin;
      /** sha256 over the plugin's own files as imported: a change makes a reload import them again. */
      codeHash?: string;
      definition: PluginDefinition;
    }
  | {
      status: 'failed';
      name: string;
      kind?: PluginKind;
      version?: string;
      origin: PluginOrigin;
      codeHash?: string;
      error: string;
    };

export function describeOrigin(origin: PluginOrigin): string {
  switch (origin.type) {
    case 'builtin':
      return `built-in (${origin.path})`;
    case 'path':
      return origin.path;
    case 'package':
      return `npm package ${origin.name}`;
  }
}
