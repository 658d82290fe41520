import sandbox from '../../plugins/sandbox';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { sandboxPlatform } from './sandbox.conformance.platform';

let db: TestDatabase | undefined;
afterAll(() => db?.dispose());

// The sandbox simulates its platform in the plugin's state, here the host's own database-backed store: the kit's
// faults reach the sandbox's fault injector through it.
describeConnectorConformance('sandbox connector: conformance kit', {
  plugin: sandbox,
  context: async () => {
    db = await createTestDatabase();
    const factory = new PluginContextFactory(new PluginStateRepository(await db.openMigrated()));
    return { state: factory.create('sandbox', 'conformance/channel').state };
  },
  startPlatform: async (context) => sandboxPlatform(context),
});

// The same sandbox in its two-step mode: every publish creates a container that becomes a post after two status
// questions, so every check (lookup after a lost answer included) runs through accepted → status → published.
describeConnectorConformance('sandbox connector in two-step mode: conformance kit', {
  plugin: sandbox,
  startPlatform: async (context) => sandboxPlatform(context, { twoStep: { checks: 2 } }),
});
