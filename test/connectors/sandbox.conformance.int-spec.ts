import sandbox from '../../plugins/sandbox';
import { describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { sandboxPlatform } from './sandbox.conformance.platform';

// The sandbox simulates its platform in the plugin's state: the kit's faults reach it through the state store.
describeConnectorConformance('sandbox connector: conformance kit', {
  plugin: sandbox,
  startPlatform: async (context) => sandboxPlatform(context),
});
