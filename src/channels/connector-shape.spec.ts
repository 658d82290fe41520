import type { Connector, PublishRequest } from '../plugin-sdk';
import { checkConnectorShape } from './connector-shape';

const published = { remoteId: 'r1' };

describe('checkConnectorShape', () => {
  it('accepts a connector whose methods match its capabilities', () => {
    const connector: Connector = {
      publish: async (_request: PublishRequest) => published,
      lookup: async () => undefined,
      fetchInbox: async () => [],
    };
    expect(checkConnectorShape({ publish: true, inbox: true }, connector)).toEqual({
      problems: [],
      warnings: [],
    });
  });

  it('refuses publish(post, key): the key would be undefined for every post', () => {
    const guessed = {
      publish: async (_post: PublishRequest, _key: string) => published,
      lookup: async () => undefined,
    } as unknown as Connector;
    expect(checkConnectorShape({ publish: true }, guessed).problems).toEqual([
      'publish takes one request object; the idempotency key is request.idempotencyKey (docs/plugins.md#publish)',
    ]);
  });

  it.each([
    ['publish', 'publish'],
    ['delete', 'delete'],
    ['inbox', 'fetchInbox'],
    ['profile', 'getProfile'],
    ['metrics', 'fetchMetrics'],
    ['twoStep', 'status'],
    ['reply', 'reply'],
    ['updateProfile', 'updateProfile'],
  ] as const)('refuses capability %s declared without %s', (capability, method) => {
    const { problems } = checkConnectorShape({ publish: false, [capability]: true }, {});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      `capability "${capability}" is declared but create() returned no ${method} method`,
    );
    expect(problems[0]).toContain(`remove "${capability}" from capabilities`);
  });

  it('warns about a connector that publishes without lookup', () => {
    const { problems, warnings } = checkConnectorShape({ publish: true }, { publish: async () => published });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('an unknown outcome will fail for a person to check')]);
  });
});
