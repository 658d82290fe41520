import { NEXT_FAULT_STATE_KEY, type NextFault } from '../../plugins/sandbox/fault-injector';
import { SandboxNetwork } from '../../plugins/sandbox/sandbox-network';
import type sandbox from '../../plugins/sandbox';
import type { PluginContext } from '../../src/plugin-sdk';
import type { ConformanceFault, ConformancePlatform } from '../../src/plugin-sdk/testing';

export type SandboxOptions = Parameters<(typeof sandbox)['create']>[1];

/** The conformance kit's faults as the sandbox simulates them (it has no HTTP: the SDK's errors directly). */
function nextFault(fault: ConformanceFault): NextFault {
  switch (fault.kind) {
    case 'rate-limited':
      return { mode: 'rate-limit', retryAt: fault.resetAt.toISOString() };
    case 'unauthorized':
    case 'forbidden':
      return { mode: 'auth' };
    case 'refused':
      return { mode: 'permanent' };
    case 'server-error':
      return { mode: 'server-error' };
    case 'timeout':
      return { mode: 'timeout-before-send' };
    case 'lost-answer':
      return { mode: 'timeout-after-send' };
  }
}

/**
 * The sandbox's simulated network as a conformance platform: it lives in the context's state store, so posts are
 * read from there, faults are written there for the sandbox's fault injector, and comments are written as
 * `metronome sandbox comment` writes them.
 */
export function sandboxPlatform(
  context: PluginContext,
  options: Partial<SandboxOptions> = {},
): ConformancePlatform<SandboxOptions> {
  const handle = options.handle ?? 'conformance';
  return {
    options: {
      handle,
      idempotency: 'honour',
      ...options,
      // The kit's faults reach the sandbox through its state: the injector reads them only when asked to.
      faults: {
        times: 1,
        latencyMs: 0,
        retryAfterSeconds: 60,
        updateProfile: 'accept',
        ...options.faults,
        injectable: true,
      },
    },
    injectFault: (fault) => context.state.set(NEXT_FAULT_STATE_KEY, nextFault(fault)),
    posts: async () =>
      (await context.state.list<{ remoteId: string; text: string }>('post:')).map(({ value }) => ({
        remoteId: value.remoteId,
        text: value.text,
      })),
    addInboxItem: async ({ text, author }) => {
      await new SandboxNetwork(context, handle).writeComment(author ?? 'conformance.reader', text);
    },
    close: async () => undefined,
  };
}
