import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { ConfigRevisionRepository } from '../../src/persistence/config-revision.repository';
import { PersistenceModule } from '../../src/persistence/persistence.module';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('PersistenceModule', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await db.dispose();
  });

  const start = async (runMigrations?: boolean) => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, schema: db.schema, runMigrations })],
    }).compile();
    return moduleRef.init();
  };

  it('migrates on init when asked, provides the repositories and closes the DataSource on shutdown', async () => {
    const app = await start(true);
    const dataSource = app.get(DataSource);

    const { plaintext } = await app.get(ApiTokenRepository).create('cli');
    expect(await app.get(ApiTokenRepository).verify(plaintext)).not.toBeNull();
    expect(app.get(AuditRepository)).toBeInstanceOf(AuditRepository);
    expect(app.get(ConfigRevisionRepository)).toBeInstanceOf(ConfigRevisionRepository);
    expect(app.get(PluginStateRepository)).toBeInstanceOf(PluginStateRepository);

    await app.close();
    expect(dataSource.isInitialized).toBe(false);
  });

  it('leaves the schema alone unless asked to migrate', async () => {
    const app = await start();
    const dataSource = app.get(DataSource);

    expect(await dataSource.showMigrations()).toBe(true); // pending
    await app.close();
  });
});
