import type { DataSource } from 'typeorm';
import { SandboxContainers } from '../../plugins/sandbox/sandbox-containers';
import { SandboxNetwork } from '../../plugins/sandbox/sandbox-network';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import type { PeerView } from './chaos-findings';
import { CHAOS_BRAND } from './chaos-workspace';

/**
 * The sandbox networks of the chaos brand's channels, read through the sandbox's own API: posts per key, plus the
 * containers of the two-step channel that never became visible.
 */
export async function sandboxPeer(dataSource: DataSource, channels: string[]): Promise<PeerView> {
  const contexts = new PluginContextFactory(new PluginStateRepository(dataSource));
  const networks = new Map<string, { network: SandboxNetwork; counts: Map<string, number> }>();
  for (const channel of channels) {
    // The handle is the channel key (see createSandboxChaosWorkspace); keys are ignored there, as here.
    const network = new SandboxNetwork(
      contexts.create('sandbox', `${CHAOS_BRAND}/${channel}`),
      channel,
      'ignore',
    );
    const context = contexts.create('sandbox', `${CHAOS_BRAND}/${channel}`);
    const counts = await network.postsPerKey();
    // A container not (yet) visible is a post the platform holds too: a second one per key is a duplicate.
    for (const container of await new SandboxContainers(context, network, 'ignore', 1).pending()) {
      counts.set(container.idempotencyKey, (counts.get(container.idempotencyKey) ?? 0) + 1);
    }
    networks.set(channel, { network, counts });
  }
  return {
    postsFor: async (variant) => networks.get(variant.channel)?.counts.get(variant.idempotency_key) ?? 0,
    remoteIdFor: async (variant) =>
      (await networks.get(variant.channel)?.network.lookup(variant.idempotency_key))?.remoteId,
    strays: async (variants) => {
      const known = new Set(variants.map((v) => `${v.channel} ${v.idempotency_key}`));
      const strays: string[] = [];
      for (const [channel, { counts }] of networks) {
        for (const [key, n] of counts) {
          if (!known.has(`${channel} ${key}`)) {
            strays.push(`${n} post(s) on ${channel} with key ${key}, which no variant has`);
          }
        }
      }
      return strays;
    },
  };
}
