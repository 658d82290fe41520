import type { DataSource } from 'typeorm';
import { loadConfiguration } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { IncidentService } from '../../src/escalations/incident.service';
import { incidentService } from '../escalations/incident-service.fixture';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { seedChannel } from '../persistence/seed.factory';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { ChannelRepository } from '../../src/channels/channel.repository';

describe('ChannelCredentials: a refusal counts only for the credentials it was made with', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let credentials: ChannelCredentials;
  let incidents: IncidentService;
  const now = new Date('2026-12-01T09:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error(JSON.stringify(loaded.issues));
    }
    incidents = incidentService(dataSource);
    credentials = new ChannelCredentials(
      new ChannelRepository(new TransactionContext(dataSource)),
      new AuditRepository(dataSource),
      new ConfigService(loaded.loaded, 'config/metronome.yaml'),
      incidents,
    );
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('ignores a refusal of the credentials a reconnect replaced (a send under way meanwhile), and counts one of the new ones', async () => {
    const { channel } = await seedChannel(dataSource, { brandId: 'demo', channelKey: 'sandbox' });
    const row = () => dataSource.getRepository(ChannelEntity).findOneByOrFail({ id: channel.id });
    const states = async () =>
      (await dataSource.getRepository(IncidentEntity).findBy({ brandId: 'demo' })).map((i) => i.state).sort();

    expect(await credentials.refused(channel, '401 invalid token', now)).toBe(true);
    expect(await row()).toMatchObject({ status: 'needs_reconnect', credentialsVersion: 0 });
    expect(await states()).toEqual(['open']);

    await credentials.reconnect('demo', 'sandbox', 'maya', now);
    expect(await row()).toMatchObject({ status: 'active', credentialsVersion: 1 });

    // A send that started with the old credentials is refused after the reconnect: the channel stays active.
    expect(await credentials.refused(channel, '401 invalid token', now, 0)).toBe(false);
    expect(await row()).toMatchObject({ status: 'active', credentialsVersion: 1 });
    expect(await states()).toEqual(['resolved']);

    // The renewed credentials refused too: that is news, and a new incident.
    expect(await credentials.refused(await row(), '401 invalid token', now, 1)).toBe(true);
    expect((await row()).status).toBe('needs_reconnect');
    expect(await states()).toEqual(['open', 'resolved']);
  });
});
