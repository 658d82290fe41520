import type { MetronomeConfig } from '../../config/schema/metronome-config.schema';
import type { ChannelEntity } from '../../channels/channel.entity';
import type { RuleFactsRepository } from '../rule-facts.repository';
import { ChannelQuietGuard } from './channel-quiet.guard';

const DAY = 86_400_000;
const NOW = new Date('2026-11-30T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

/** What the guard reads, in memory: one active channel, its publications and its planned variants. */
class InMemoryChannelFacts {
  published: Date[] = [];
  planned: Array<{ at: Date; state: string }> = [];

  async activeChannels(): Promise<ChannelEntity[]> {
    return [{ id: 'ch-1', brandId: 'acme', key: 'social', status: 'active' } as ChannelEntity];
  }

  async lastPublishedAt(): Promise<Date | undefined> {
    return this.published.sort((a, b) => a.getTime() - b.getTime()).at(-1);
  }

  async plannedVariantCount(
    _channelId: string,
    from: Date,
    to: Date,
    states: readonly string[],
  ): Promise<number> {
    return this.planned.filter(({ at, state }) => at >= from && at < to && states.includes(state)).length;
  }
}

function configWith(postsPerWeek: number): MetronomeConfig {
  return {
    brands: {
      acme: { name: 'Acme', timezone: 'Europe/London', channels: { social: { cadence: { postsPerWeek } } } },
    },
  } as unknown as MetronomeConfig;
}

describe('ChannelQuietGuard (in-memory facts)', () => {
  const guard = new ChannelQuietGuard();
  let facts: InMemoryChannelFacts;
  const findings = (postsPerWeek: number, thresholdMs?: number) =>
    guard.findings({
      config: configWith(postsPerWeek),
      facts: facts as unknown as RuleFactsRepository,
      now: NOW,
      thresholdMs,
    });

  beforeEach(() => {
    facts = new InMemoryChannelFacts();
  });

  it('finds a channel that published nothing for its cadence spacing and has nothing planned', async () => {
    facts.published = [daysAgo(20), daysAgo(8)];
    const [finding, ...others] = await findings(1);
    expect(others).toEqual([]);
    expect(finding).toMatchObject({
      brandId: 'acme',
      subjectKey: 'channel:ch-1',
      severity: 'warning',
      details: { channel: 'acme/social', postsPerWeek: 1, quietAfter: '7 days' },
    });
    expect(finding.title).toMatch(
      /^Channel going quiet: nothing published on acme\/social since .+ and nothing planned in the next 7 days$/,
    );
  });

  it('waits out the spacing (7 days ÷ postsPerWeek, at least 3 days) before calling a channel quiet', async () => {
    facts.published = [daysAgo(6)];
    expect(await findings(1)).toEqual([]);
    facts.published = [daysAgo(2.5)];
    expect(await findings(7)).toEqual([]);
    facts.published = [daysAgo(3.5)];
    expect(await findings(7)).toHaveLength(1);
  });

  it('is quiet about a channel with a post planned within the window, whatever its state on the way out', async () => {
    facts.published = [daysAgo(10)];
    facts.planned = [{ at: new Date(NOW.getTime() + 2 * DAY), state: 'draft' }];
    expect(await findings(1)).toEqual([]);
    // Accepted by the platform and still processing (two-step publishing): on its way out too.
    facts.planned = [{ at: new Date(NOW.getTime() + 2 * DAY), state: 'finishing' }];
    expect(await findings(1)).toEqual([]);
    facts.planned = [{ at: new Date(NOW.getTime() + 2 * DAY), state: 'cancelled' }];
    expect(await findings(1)).toHaveLength(1);
  });

  it('leaves alone a channel that never published, and one without a cadence', async () => {
    expect(await findings(1)).toEqual([]);
    facts.published = [daysAgo(30)];
    expect(await findings(0)).toEqual([]);
  });

  it('takes the configured `after` over the cadence spacing', async () => {
    facts.published = [daysAgo(2)];
    expect(await findings(1, DAY)).toMatchObject([{ details: { quietAfter: '1 day' } }]);
  });
});
