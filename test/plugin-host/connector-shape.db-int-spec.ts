import { Logger } from '@nestjs/common';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { ConnectorInstances } from '../../src/channels/connector-instances';
import { loadConfiguration } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** Connector plugins as a user writes them (plain JavaScript, the SDK handed in): each gets one thing wrong. */
const PLUGINS: Record<string, { capabilities: string; methods: string }> = {
  // The reproduction of issue 14: the key is guessed as a second argument and is undefined for every post.
  guessed: {
    capabilities: '{ publish: true }',
    methods: 'publish: async (post, key) => ({ remoteId: `posts/${key}` }), lookup: async () => undefined',
  },
  'inbox-missing': {
    capabilities: '{ publish: false, inbox: true }',
    methods: '',
  },
  'no-lookup': {
    capabilities: '{ publish: true }',
    methods: 'publish: async (request) => ({ remoteId: request.idempotencyKey })',
  },
};

function configFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-connector-shape-'));
  for (const [name, { capabilities, methods }] of Object.entries(PLUGINS)) {
    mkdirSync(join(dir, name));
    writeFileSync(
      join(dir, name, 'index.js'),
      `module.exports = (sdk) => sdk.defineConnector({
  kind: 'connector', name: '${name}', version: '1.0.0', sdk: '^2.0.0',
  capabilities: ${capabilities},
  create: () => ({ ${methods} }),
});
`,
    );
  }
  writeFileSync(
    join(dir, 'metronome.yaml'),
    [
      'organisation: { name: Shape test }',
      'people: { ops: { name: Ops } }',
      `plugins: [${Object.keys(PLUGINS)
        .map((name) => `{ path: ${name} }`)
        .join(', ')}]`,
      'brands:',
      '  acme:',
      '    name: Acme',
      '    timezone: UTC',
      '    owner: ops',
      '    channels:',
      ...Object.keys(PLUGINS).map((name) => `      ${name}: { connector: ${name} }`),
      '      again: { connector: no-lookup }',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('a connector instance is checked against its capabilities when it is created', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let instances: ConnectorInstances;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    const dir = configFolder();
    const loaded = await loadConfiguration(join(dir, 'metronome.yaml'), { env: {} });
    if (!loaded.ok) {
      throw new Error(JSON.stringify(loaded.issues));
    }
    instances = connectorInstancesOn(dataSource, new ConfigService(loaded.loaded, dir));
  });

  afterAll(async () => {
    await instances.reset();
    await db.dispose();
  });

  it('refuses publish(post, key), pointing at request.idempotencyKey', async () => {
    await expect(instances.get('acme', 'guessed', 0)).rejects.toThrow(
      'connector "guessed" of acme/guessed cannot be used: publish takes one request object; the idempotency key is request.idempotencyKey (docs/plugins.md#publish)',
    );
  });

  it('refuses a declared capability whose method is missing, naming both', async () => {
    await expect(instances.get('acme', 'inbox-missing', 0)).rejects.toThrow(
      'capability "inbox" is declared but create() returned no fetchInbox method: implement fetchInbox(since) or remove "inbox" from capabilities',
    );
  });

  it('warns once per plugin about publish without lookup, and the connector still runs', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const first = await instances.get('acme', 'no-lookup', 0);
      await instances.get('acme', 'again', 0);
      expect(await first.connector.publish?.({ idempotencyKey: 'k1' } as never)).toEqual({ remoteId: 'k1' });
      const lines = warn.mock.calls.map(([message]) => String(message));
      expect(lines.filter((line) => line.includes('no-lookup'))).toEqual([
        'connector "no-lookup": it can publish but has no lookup(idempotencyKey): an unknown outcome will fail for a person to check (docs/plugins.md#lookup)',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
