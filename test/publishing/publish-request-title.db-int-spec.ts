import type { DataSource } from 'typeorm';
import type { PublishRequest } from '../../src/plugin-sdk';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createPublisherFixture, type PublisherFixture } from './publisher-fixture';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: Europe/Paris
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      main: { connector: sandbox, options: { handle: acme } }
      other: { connector: sandbox, options: { handle: acme-other } }
`;

/**
 * SDK 2.2: the connector receives the post's title on its channel, as stored at import; YouTube, Pinterest and
 * WordPress publish it. (`overrides.<channel>.title` is refused on a connector without a title, such as the sandbox:
 * src/content/channel-title.validator.spec.ts; channel-content.ts picks the override.)
 */
describe('PublishRequest.title (real database, sandbox connector)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: PublisherFixture;
  const requests = new Map<string, PublishRequest>();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    fixture = await createPublisherFixture(dataSource, CONFIG);
    const get = fixture.connectors.get.bind(fixture.connectors);
    jest.spyOn(fixture.connectors, 'get').mockImplementation(async (...args) => {
      const instance = await get(...args);
      const real = instance.connector;
      return {
        ...instance,
        connector: {
          ...real,
          publish: async (request: PublishRequest) => {
            requests.set(args[1], request);
            return real.publish!(request);
          },
        },
      };
    });
    fixture.ws.write(
      'winter.md',
      post(
        'title: Winter blend ☕ launch\ncampaign: launch\nchannels: [main, other]\npublish: 2026-12-01 10:00',
      ),
    );
    const report = await fixture.services.planSync.syncBrand(
      fixture.ws.loaded,
      'acme',
      new Date('2026-11-30T08:00:00Z'),
    );
    expect(report).toMatchObject({ created: ['winter.md'], issues: [] });
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('passes the post’s title to publish on every channel', async () => {
    const publisher = fixture.newPublisher();
    const at = new Date('2026-12-01T09:00:01Z');
    const due = await publisher.due(at, 10);
    expect(due).toHaveLength(2);
    for (const item of due) {
      expect(await publisher.publish(item, at)).toBe('published');
    }
    expect(requests.get('main')?.title).toBe('Winter blend ☕ launch');
    expect(requests.get('other')?.title).toBe('Winter blend ☕ launch');
  });
});
