import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app/app.module';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { CredentialStore, TokenRefresher } from '../../src/credentials/credential-store';
import { OAuthRefresher } from '../../src/oauth/oauth-refresher';
import { TokenRenewalJob } from '../../src/oauth/token-renewal.job';
import { MemoryCredentialStore } from '../fakes/memory-credential-store';

/** Stands in for credstore's global CredentialsModule until it is merged. */
@Global()
@Module({
  providers: [{ provide: CredentialStore, useClass: MemoryCredentialStore }],
  exports: [CredentialStore],
})
class MemoryCredentialsModule {}

describe('OAuth in the application (role all, real SQLite file, demo config)', () => {
  let app: INestApplication;
  let origin: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-oauth-'));
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error('demo config must be valid');
    }
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'silent' },
      { port: '0', role: 'all' },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [MemoryCredentialsModule, AppModule.forRoot(runtime, loaded.loaded)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    origin = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('binds TokenRefresher to the OAuthRefresher and runs the renewal job', () => {
    expect(app.get(TokenRefresher)).toBeInstanceOf(OAuthRefresher);
    expect(app.get(TokenRenewalJob)).toBeInstanceOf(TokenRenewalJob);
  });

  it('serves /oauth/callback without an API token: an unknown state is a 400 page naming the next step', async () => {
    const response = await fetch(
      `${origin.replace('[::1]', '127.0.0.1')}/oauth/callback?state=unknown&code=x`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('metronome channels connect');
  });
});
