import type { Connector, ConnectorCapabilities } from '../../connector';
import { ConformanceProblem } from '../conformance-session';
import type { ConformanceCheck } from './conformance-check';

/** The method each capability promises. */
const METHOD_OF: Array<[keyof ConnectorCapabilities, keyof Connector]> = [
  ['publish', 'publish'],
  ['delete', 'delete'],
  ['inbox', 'fetchInbox'],
  ['profile', 'getProfile'],
  ['metrics', 'fetchMetrics'],
  ['twoStep', 'status'],
  ['reply', 'reply'],
  ['updateProfile', 'updateProfile'],
];

export const publishSignature: ConformanceCheck = {
  name: 'publish-signature',
  title: 'publish takes one request object',
  capability: 'publish',
  methods: ['publish'],
  async run({ connector }) {
    const declared = connector.publish?.length ?? 0;
    if (declared > 1) {
      throw new ConformanceProblem(
        `publish declares ${declared} parameters: publish takes one request object; the idempotency key is request.idempotencyKey (write publish(request) and read request.text, request.idempotencyKey, request.media)`,
      );
    }
  },
};

export const capabilitiesMatchMethods: ConformanceCheck = {
  name: 'capabilities-match-methods',
  title: 'every declared capability has its method, and publish comes with lookup',
  async run({ plugin, connector }) {
    const problems: string[] = [];
    const notes: string[] = [];
    for (const [capability, method] of METHOD_OF) {
      const declared = Boolean(plugin.capabilities[capability]);
      const implemented = typeof connector[method] === 'function';
      if (declared && !implemented) {
        problems.push(
          `capabilities.${capability} is declared but the connector has no ${method} method: implement it or remove the capability`,
        );
      } else if (!declared && implemented) {
        notes.push(
          `${method} is implemented but capabilities.${capability} is not declared: the core never calls it`,
        );
      }
    }
    if (typeof connector.publish === 'function' && typeof connector.lookup !== 'function') {
      problems.push(
        'publish is implemented without lookup: an unknown outcome cannot be reconciled (after a timeout or a crash the core cannot tell whether the post exists). Implement lookup(idempotencyKey)',
      );
    }
    if (problems.length > 0) {
      throw new ConformanceProblem(problems.join('; '));
    }
    return notes;
  },
};
