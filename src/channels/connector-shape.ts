import type { Connector, ConnectorCapabilities } from '../plugin-sdk';

/** The method each capability promises; a declared capability without it would fail only when first used. */
const METHOD_OF_CAPABILITY: ReadonlyArray<[keyof ConnectorCapabilities, keyof Connector, string]> = [
  ['publish', 'publish', 'publish(request)'],
  ['delete', 'delete', 'delete(remoteId)'],
  ['inbox', 'fetchInbox', 'fetchInbox(since)'],
  ['profile', 'getProfile', 'getProfile()'],
  ['metrics', 'fetchMetrics', 'fetchMetrics(day)'],
  ['twoStep', 'status', 'status(handle)'],
  ['reply', 'reply', 'reply(item, request)'],
  ['updateProfile', 'updateProfile', 'updateProfile(desired)'],
];

export interface ConnectorShape {
  /** Reasons the connector must not be used: each names the method and the fix. */
  problems: string[];
  /** Reasons to tell the operator once, the connector still runs. */
  warnings: string[];
}

/**
 * Checks a connector instance against what its plugin declares, before the core uses it. The one that matters most:
 * `publish(post, key)` compiles in JavaScript and receives `undefined` as its key, so every post would claim the same
 * idempotency key and the second be recorded as the first; SDK 2's publish takes one request object.
 */
export function checkConnectorShape(
  capabilities: ConnectorCapabilities,
  connector: Connector,
): ConnectorShape {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (typeof connector.publish === 'function' && connector.publish.length > 1) {
    problems.push(
      'publish takes one request object; the idempotency key is request.idempotencyKey (docs/plugins.md#publish)',
    );
  }
  for (const [capability, method, signature] of METHOD_OF_CAPABILITY) {
    if (capabilities[capability] === true && typeof connector[method] !== 'function') {
      problems.push(
        `capability "${capability}" is declared but create() returned no ${method} method: implement ${signature} or remove "${capability}" from capabilities (docs/plugins.md#capabilities)`,
      );
    }
  }
  if (
    capabilities.publish &&
    typeof connector.publish === 'function' &&
    typeof connector.lookup !== 'function'
  ) {
    warnings.push(
      'it can publish but has no lookup(idempotencyKey): an unknown outcome will fail for a person to check (docs/plugins.md#lookup)',
    );
  }
  return { problems, warnings };
}
