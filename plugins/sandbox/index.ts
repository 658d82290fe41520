import { defineConnector, z } from '../../src/plugin-sdk';
import { SandboxNetwork } from './sandbox-network';

const options = z.strictObject({
  handle: z.string().min(1).describe('The simulated account name, e.g. "acme".'),
});

/** A simulated network: runs the demo config, the tests and the benchmarks without any credentials. */
export default defineConnector<z.output<typeof options>>({
  kind: 'connector',
  name: 'sandbox',
  version: '1.0.0',
  sdk: '^1.0.0',
  description: 'Simulated network stored in Metronome’s database; deterministic comments and metrics.',
  options,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    textLimit: 500,
    media: { maxCount: 4, types: ['image/png', 'image/jpeg'] },
  },
  create(context, { handle }) {
    const network = new SandboxNetwork(context, handle);
    return {
      publish: (request) => network.publish(request),
      lookup: (key) => network.lookup(key),
      delete: (remoteId) => network.delete(remoteId),
      fetchInbox: (since) => network.inbox(since),
      fetchMetrics: (day) => network.metrics(day),
      getProfile: () => network.profile(),
    };
  },
});
