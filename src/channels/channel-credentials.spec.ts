import type { ConfigService } from '../config/config.service';
import { InvalidError, NotFoundError } from '../errors/domain.error';
import type { IncidentService } from '../escalations/incident.service';
import type { AuditRepository } from '../persistence/audit.repository';
import { ChannelEntity } from './channel.entity';
import { ChannelCredentials, RENEWAL_HOLDS_MS } from './channel-credentials';
import type { ChannelRepository } from './channel.repository';

/** The `channels` table in memory: what ChannelCredentials asks of its repository, and nothing else. */
class InMemoryChannels implements Pick<ChannelRepository, keyof ChannelRepository> {
  readonly rows = new Map<string, ChannelEntity>();
  waiting = 0;

  add(brandId: string, key: string, connector = 'sandbox'): ChannelEntity {
    const row = Object.assign(new ChannelEntity(), {
      brandId,
      key,
      connector,
      status: 'active',
      credentialsVersion: 0,
      configRevisionId: 'r1',
      updatedAt: new Date(0),
    });
    this.rows.set(row.id, row);
    return { ...row };
  }

  async list(): Promise<ChannelEntity[]> {
    return [...this.rows.values()];
  }

  async byId(id: string): Promise<ChannelEntity | null> {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async byKey(brandId: string, key: string): Promise<ChannelEntity | null> {
    const row = [...this.rows.values()].find((r) => r.brandId === brandId && r.key === key);
    return row ? { ...row } : null;
  }

  async credentialsVersion(brandId: string, key: string): Promise<number> {
    return (await this.byKey(brandId, key))?.credentialsVersion ?? 0;
  }

  async markNeedsReconnect(id: string, credentialsVersion: number, at: Date): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.status !== 'active' || row.credentialsVersion !== credentialsVersion) {
      return false;
    }
    Object.assign(row, { status: 'needs_reconnect', updatedAt: at });
    return true;
  }

  async bumpCredentialsVersion(id: string, at: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row) {
      Object.assign(row, { credentialsVersion: row.credentialsVersion + 1, updatedAt: at });
    }
  }

  async reactivate(id: string, at: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row?.status === 'needs_reconnect') {
      Object.assign(row, { status: 'active', credentialsVersion: row.credentialsVersion + 1, updatedAt: at });
    }
  }

  async waitingVariants(): Promise<number> {
    return this.waiting;
  }
}

describe('ChannelCredentials (in-memory channels)', () => {
  const now = new Date('2026-12-01T09:00:00Z');
  let channels: InMemoryChannels;
  let audit: { append: jest.Mock };
  let incidents: { open: jest.Mock; resolveCleared: jest.Mock };
  let credentials: ChannelCredentials;

  beforeEach(() => {
    channels = new InMemoryChannels();
    audit = { append: jest.fn().mockResolvedValue(undefined) };
    incidents = {
      open: jest.fn().mockResolvedValue({ opened: true }),
      resolveCleared: jest.fn().mockResolvedValue(true),
    };
    const config = {
      loaded: {
        config: { brands: { demo: { name: 'Demo', owner: 'maya' } } },
        plugins: { find: (_kind: string, name: string) => (name === 'linkedin' ? { oauth: {} } : undefined) },
      },
    } as unknown as ConfigService;
    credentials = new ChannelCredentials(
      channels as unknown as ChannelRepository,
      audit as unknown as AuditRepository,
      config,
      incidents as unknown as IncidentService,
    );
  });

  it('a refusal marks the channel and opens one incident; the same refusal again changes nothing more', async () => {
    const channel = channels.add('demo', 'sandbox');
    expect(await credentials.refused(channel, '401 invalid token', now)).toBe(true);
    expect((await channels.byId(channel.id))?.status).toBe('needs_reconnect');
    expect(await credentials.usable(channel, now)).toBe(false);
    expect(audit.append).toHaveBeenCalledTimes(1);
    expect(incidents.open).toHaveBeenCalledWith(
      expect.objectContaining({ rule: 'channel-credentials', subjectKey: `channel:${channel.id}` }),
    );

    expect(await credentials.refused(channel, '401 invalid token', now)).toBe(true);
    expect(audit.append).toHaveBeenCalledTimes(1);
  });

  it("the incident's next step: connect again for an OAuth channel, renew the configured secret otherwise", async () => {
    await credentials.refused(channels.add('demo', 'linkedin', 'linkedin'), '401 revoked', now);
    await credentials.refused(channels.add('demo', 'sandbox'), '401 invalid token', now);
    const fixes = incidents.open.mock.calls.map(
      ([incident]) => (incident as { details: { fix: string } }).details.fix,
    );
    expect(fixes).toEqual([
      'connect the account again: `metronome channels connect demo/linkedin --as <person>`',
      'renew the credentials in the config or environment, then run `metronome channels reconnect demo/sandbox --as <person>`',
    ]);
  });

  it('a refusal of credentials renewed since is ignored (the caller sends again)', async () => {
    const channel = channels.add('demo', 'sandbox');
    await credentials.refused(channel, '401', now);
    channels.waiting = 3;
    expect(await credentials.reconnect('demo', 'sandbox', 'maya', now)).toEqual({ waiting: 3 });
    expect(incidents.resolveCleared).toHaveBeenCalledWith(
      'channel-credentials',
      `channel:${channel.id}`,
      now,
    );
    expect(await credentials.refused(channel, '401', now, 0)).toBe(false);
    expect((await channels.byId(channel.id))?.status).toBe('active');
    expect(await credentials.usable(channel, now)).toBe(true);
  });

  it('reconnecting an unknown channel is not found; an active one is invalid', async () => {
    channels.add('demo', 'sandbox');
    await expect(credentials.reconnect('demo', 'nope', 'maya', now)).rejects.toThrow(NotFoundError);
    await expect(credentials.reconnect('demo', 'nope', 'maya', now)).rejects.toThrow(
      'no channel demo/nope: see `metronome channels list`',
    );
    await expect(credentials.reconnect('demo', 'sandbox', 'maya', now)).rejects.toBeInstanceOf(InvalidError);
    await expect(credentials.reconnect('demo', 'sandbox', 'maya', now)).rejects.toThrow(
      'demo/sandbox is active: nothing to reconnect',
    );
  });

  describe('renew: the connector renews refused credentials once before anyone reconnects', () => {
    it('renewed: audited, and a refusal moments later is not renewed again', async () => {
      const channel = channels.add('demo', 'sandbox');
      const refreshCredentials = jest.fn().mockResolvedValue(true);
      expect(await credentials.renew(channel, { refreshCredentials }, now)).toEqual({ renewed: true });
      expect(audit.append).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'channel.credentials_renewed', subjectId: channel.id }),
      );
      const soon = new Date(now.getTime() + RENEWAL_HOLDS_MS - 1);
      expect(await credentials.renew(channel, { refreshCredentials }, soon)).toEqual({
        renewed: false,
        why: 'the credentials the connector renewed moments ago were refused too',
      });
      expect(refreshCredentials).toHaveBeenCalledTimes(1);
      // Much later it is a new refusal (an expired token): renewed again.
      const afterwards = new Date(now.getTime() + RENEWAL_HOLDS_MS);
      expect(await credentials.renew(channel, { refreshCredentials }, afterwards)).toEqual({ renewed: true });
    });

    it('not renewed: no refreshCredentials, false, or a throw, each with why', async () => {
      const channel = channels.add('demo', 'sandbox');
      expect(await credentials.renew(channel, {}, now)).toEqual({ renewed: false });
      expect(
        await credentials.renew(channel, { refreshCredentials: jest.fn().mockResolvedValue(false) }, now),
      ).toEqual({ renewed: false, why: 'sandbox could not renew them' });
      expect(
        await credentials.renew(
          channel,
          { refreshCredentials: jest.fn().mockRejectedValue(new Error('invalid_grant')) },
          now,
        ),
      ).toEqual({ renewed: false, why: 'renewing them failed: invalid_grant' });
      expect(audit.append).not.toHaveBeenCalled();
    });
  });
});
