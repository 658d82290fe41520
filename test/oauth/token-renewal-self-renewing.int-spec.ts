import type { ChannelRepository } from '../../src/channels/channel.repository';
import type { Clock } from '../../src/clock/clock';
import type { ConfigService } from '../../src/config/config.service';
import { TokenRefresher } from '../../src/credentials/credential-store';
import type { OAuthProviders } from '../../src/oauth/oauth-providers';
import { TokenRenewalJob } from '../../src/oauth/token-renewal.job';
import { MemoryCredentialStore } from '../fakes/memory-credential-store';

/**
 * Instagram and Threads hold no refresh token: their provider renews the long-lived access token itself
 * (`ig_refresh_token`, `th_refresh_token`). The scheduled round must renew those too, before the 60 days end,
 * and must not tell the owner to reconnect. (It did not: "renewable" meant "a refresh token is held".)
 */
describe('TokenRenewalJob with a provider that renews the access token itself (no refresh token)', () => {
  const start = new Date('2026-12-01T09:00:00Z');
  const DAY = 24 * 3600_000;

  async function setUp(selfRenewing: boolean) {
    const store = new MemoryCredentialStore();
    await store.save(
      'ch-1',
      { accessToken: 'long-lived', expiresAt: new Date(start.getTime() + 60 * DAY) },
      { actor: 'maya', at: start },
    );
    const asked: string[] = [];
    class CountingRefresher extends TokenRefresher {
      async refresh(channelId: string): Promise<boolean> {
        asked.push(channelId);
        return true;
      }
    }
    const provider = selfRenewing
      ? { platform: 'Threads', refresh: async () => ({ accessToken: 'x' }) }
      : { platform: 'Acme' };
    const providers = { byId: async () => ({ provider }) } as unknown as OAuthProviders;
    const channel = { id: 'ch-1', brandId: 'acme', key: 'threads', connector: 'threads', status: 'active' };
    const channels = { byId: async () => channel } as unknown as ChannelRepository;
    const config = {
      loaded: { config: { brands: { acme: { name: 'Acme', owner: 'maya' } } } },
    } as unknown as ConfigService;
    const warnings: unknown[] = [];
    const incidents = { open: async (incident: unknown) => (warnings.push(incident), { opened: true }) };
    const job = new TokenRenewalJob(
      store,
      new CountingRefresher(),
      providers,
      channels,
      config,
      { now: () => start } as unknown as Clock,
      incidents as never,
    );
    return { job, asked, warnings };
  }

  it('renews it within 10% of its lifetime of the end (day 55 of 60), not before, and never warns', async () => {
    const { job, asked, warnings } = await setUp(true);
    expect((await job.run(new Date(start.getTime() + 50 * DAY))).renewed).toEqual([]);
    expect((await job.run(new Date(start.getTime() + 55 * DAY))).renewed).toEqual(['ch-1']);
    expect(asked).toEqual(['ch-1']);
    expect(warnings).toEqual([]);
  });

  it('a provider without its own renewal and no refresh token is warned about 7 days ahead, never renewed', async () => {
    const { job, asked, warnings } = await setUp(false);
    expect((await job.run(new Date(start.getTime() + 55 * DAY))).warned).toEqual(['ch-1']);
    expect(asked).toEqual([]);
    expect(warnings).toHaveLength(1);
  });
});
