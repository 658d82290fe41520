import Module from 'node:module';

/** The names a plugin imports the SDK by (package.json `exports`), and the host's own file for each. */
const SDK_SPECIFIERS = new Map([
  ['metronome/plugin-sdk', '../plugin-sdk'],
  ['metronome/plugin-sdk/testing', '../plugin-sdk/testing'],
]);

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

let installed = false;

/**
 * Makes `require('metronome/plugin-sdk')` (and `/testing`) in any plugin, wherever its folder is, resolve to the
 * SDK this process runs. Without it a plugin outside Metronome's node_modules tree finds no SDK at all, and one with
 * its own copy (a devDependency installed for the types) gets a second instance, so `instanceof PermanentError` in
 * the core fails and a refusal is retried as a transient error. Only those two exact names are touched: every other
 * request goes to Node's resolver unchanged. Node has no supported synchronous hook for `require` on Node 20
 * (`module.registerHooks` arrived in 22.15), so this wraps `Module._resolveFilename`, which both lines keep.
 */
export function installSdkResolution(): void {
  if (installed) {
    return;
  }
  installed = true;
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  internals._resolveFilename = function resolveFilename(this: unknown, request: string, ...rest: unknown[]) {
    const own = SDK_SPECIFIERS.get(request);
    if (own !== undefined) {
      try {
        return require.resolve(own);
      } catch {
        // Not built into this installation (the testing kit of an older build): Node's own error explains it.
      }
    }
    return original.call(this, request, ...rest);
  };
}
