import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import { FakeClock } from '../../src/clock/fake.clock';
import type { ConfigService } from '../../src/config/config.service';
import { DatabaseCredentialStore } from '../../src/credentials/database-credential-store';
import { OAuthCredentialsFactory } from '../../src/credentials/oauth-credentials.factory';
import { SecretKeySource } from '../../src/credentials/secret-key';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import {
  credentialsOf,
  defineOAuthProvider,
  type ConnectorPlugin,
  type PluginContext,
} from '../../src/plugin-sdk';
import { seedChannel } from '../persistence/seed.factory';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** A connector that keeps the context it was given, declaring `oauth` or not. */
function plugin(name: string, oauth: boolean, seen: Map<string, PluginContext>): ConnectorPlugin {
  return {
    kind: 'connector',
    name,
    version: '1.0.0',
    sdk: '^2.1.0',
    capabilities: { publish: false },
    ...(oauth
      ? {
          oauth: defineOAuthProvider<Record<string, unknown>>({
            platform: 'Example',
            authorizationUrl: () => 'https://example.invalid/oauth/authorize',
            tokenUrl: () => 'https://example.invalid/oauth/token',
            scopes: () => ['write'],
            pkce: true,
            client: () => ({ id: 'client' }),
          }),
        }
      : {}),
    create: (context) => {
      seen.set(context.scope, context);
      return {};
    },
  };
}

/**
 * The configuration in force, reduced to what ConnectorInstances reads (two channels, their plugins): the subject
 * here is the wiring from the channel row to the store, which runs for real.
 */
function configOf(plugins: ConnectorPlugin[]): ConfigService {
  return {
    loaded: {
      config: {
        brands: {
          acme: {
            channels: {
              linkedin: { connector: 'oauthy', options: {} },
              bsky: { connector: 'plain', options: {} },
              unsynced: { connector: 'oauthy', options: {} },
            },
          },
        },
      },
      plugins: { find: (_kind: string, name: string) => plugins.find((p) => p.name === name) },
      pluginOptions: { of: async () => ({ ok: true, value: {} }) },
    },
    onReload: () => undefined,
    reload: async () => undefined,
  } as unknown as ConfigService;
}

describe('connectors of OAuth plugins get the channel’s stored tokens (context.credentials)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const seen = new Map<string, PluginContext>();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('by the channel row’s id; plugins without oauth, and hand-built instances, get none', async () => {
    const { channel } = await seedChannel(dataSource, { brandId: 'acme', channelKey: 'linkedin' });
    const store = new DatabaseCredentialStore(
      new TransactionContext(dataSource),
      new SecretKeySource({ METRONOME_SECRET_KEY: randomBytes(32).toString('base64') }),
    );
    await store.save(channel.id, { accessToken: 'stored-access' }, { actor: 'maya', at: new Date() });
    const clock = new FakeClock();
    const config = configOf([plugin('oauthy', true, seen), plugin('plain', false, seen)]);
    const contexts = new PluginContextFactory(new PluginStateRepository(dataSource));
    const channels = new ChannelRepository(new TransactionContext(dataSource));
    const instances = new ConnectorInstances(
      config,
      contexts,
      channels,
      clock,
      new OAuthCredentialsFactory(store, clock),
    );

    await instances.get('acme', 'linkedin', 0);
    expect(await credentialsOf(seen.get('acme/linkedin')!).current()).toEqual({
      accessToken: 'stored-access',
    });
    await instances.get('acme', 'bsky', 0);
    expect(seen.get('acme/bsky')!.credentials).toBeUndefined();
    await expect(instances.get('acme', 'unsynced', 0)).rejects.toThrow(
      'channel acme/unsynced is not in the database yet',
    );

    seen.clear();
    await new ConnectorInstances(config, contexts, channels, clock).get('acme', 'linkedin', 0);
    expect(() => credentialsOf(seen.get('acme/linkedin')!)).toThrow(
      'metronome channels connect acme/linkedin',
    );
  });
});
