import type { DataSource } from 'typeorm';
import linkedin from '../../plugins/linkedin';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import type { Connector, PublishResult } from '../../src/plugin-sdk';
import { LinkedInApiFake } from '../fakes/linkedin-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { drivePublish } from './linkedin-driver';
import { PAGE_CHANNEL_SCOPES } from './linkedin-fixtures';

describe('linkedin connector on the host’s own context and a real SQLite state store', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let fake: LinkedInApiFake;

  /** The plugin as the host builds it: options through its schema, a context on the test database (a pasted token). */
  async function connect(accessToken: string): Promise<Connector> {
    const validated = await linkedin.options!['~standard'].validate({
      apiUrl: fake.baseUrl,
      oauthUrl: fake.baseUrl,
      author: fake.organizationUrn,
      accessToken,
      scopes: PAGE_CHANNEL_SCOPES,
      timeoutMs: 400,
    });
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    const context = new PluginContextFactory(new PluginStateRepository(dataSource)).create(
      'linkedin',
      'acme/linkedin',
    );
    return linkedin.create(context, validated.value);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
  });

  afterAll(async () => {
    await db.dispose();
  });

  beforeEach(async () => {
    fake = await new LinkedInApiFake().start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('lost answers, timeouts and server errors across restarts leave each post exactly once', async () => {
    const { accessToken } = fake.grant(PAGE_CHANNEL_SCOPES);
    const faults = [
      () => fake.loseNextAnswer(),
      () => fake.hangNext(),
      () => fake.failNext({ status: 500, body: { status: 500, message: 'Internal Server Error' } }),
      () => undefined,
    ];
    const results: PublishResult[] = [];
    for (let index = 0; index < 12; index++) {
      faults[index % faults.length]();
      const request = {
        idempotencyKey: `db-${index}:li`,
        text: `Stored run ${index}: exactly once [db]`,
        media: [],
        scheduledAt: new Date(),
        extra: {},
      };
      const connectors: Connector[] = [];
      for (let restart = 0; restart < 4; restart++) {
        connectors.push(await connect(accessToken));
      }
      let next = 0;
      results.push((await drivePublish(() => connectors[next++], request, 4)).result);
    }
    expect(Array.from({ length: 12 }, (_, index) => fake.postsWithText(`Stored run ${index}:`))).toEqual(
      Array(12).fill(1),
    );
    expect(fake.counts.duplicateRefusals).toBe(0);
    expect(fake.pendingFaults()).toBe(0);
    // A fresh instance, as after a restart, answers every key from the database.
    const fresh = await connect(accessToken);
    for (const [index, result] of results.entries()) {
      expect(await fresh.lookup!(`db-${index}:li`)).toEqual(result);
    }
  });

  it('a pasted token cannot be renewed: refreshCredentials answers false and the core asks a person', async () => {
    const connector = await connect('pasted-token-that-linkedin-does-not-know');
    await expect(
      connector.publish!({ idempotencyKey: 'k', text: 'x', media: [], scheduledAt: new Date(), extra: {} }),
    ).rejects.toThrow('INVALID_ACCESS_TOKEN');
    expect(await connector.refreshCredentials!()).toBe(false);
  });
});
