import type { BrandConfig, MetronomeConfig } from '../config/schema/metronome-config.schema';
import type { PendingApproval, PostQueryService } from '../content/post-query.service';
import type { CycleCalendar } from './cycle-calendar';
import type { CycleRepository, UnresolvedIncident } from './cycle.repository';
import { CycleStatusQuery } from './cycle-status.query';

const DAY_MS = 86_400_000;

/** The reads cycle status makes, over rows held in memory. */
class InMemoryCycleRepository {
  posts: Array<{ brandId: string; publishAt: Date; state: string }> = [];
  incidents: UnresolvedIncident[] = [];
  inboxWaiting = new Map<string, number>();

  postsInPeriod(
    brandId: string,
    calendar: Pick<CycleCalendar, 'periodStart' | 'periodEnd'>,
    states?: string[],
  ): Promise<number> {
    return Promise.resolve(
      this.posts.filter(
        (post) =>
          post.brandId === brandId &&
          post.publishAt >= calendar.periodStart &&
          post.publishAt < calendar.periodEnd &&
          (states ? states.includes(post.state) : post.state !== 'cancelled'),
      ).length,
    );
  }

  inboxWaitingByBrand(): Promise<Map<string, number>> {
    return Promise.resolve(this.inboxWaiting);
  }

  unresolvedIncidents(): Promise<UnresolvedIncident[]> {
    return Promise.resolve(this.incidents);
  }
}

const brand = (name: string, owner: string) =>
  ({
    name,
    owner,
    timezone: 'UTC',
    cycle: { period: 'monthly', planDue: 7 * DAY_MS, prepareDue: 2 * DAY_MS, reviewDays: 5 },
    channels: { social: { enabled: true, cadence: { postsPerWeek: 7, windows: [] } } },
  }) as unknown as BrandConfig;

const config = {
  brands: { acme: brand('Acme', 'maya'), bolt: brand('Bolt', 'sam') },
} as unknown as MetronomeConfig;

const approval = (brandId: string, title: string, dueAt: string, overdue: boolean): PendingApproval => ({
  postId: title,
  brand: brandId,
  title,
  publishAt: null,
  step: 'copy review',
  mode: 'any',
  approvers: ['maya'],
  approvedBy: [],
  dueAt,
  overdue,
});

describe('cycle status (in-memory records)', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  let records: InMemoryCycleRepository;
  let pending: PendingApproval[];
  let query: CycleStatusQuery;

  beforeEach(() => {
    records = new InMemoryCycleRepository();
    pending = [];
    // The SQL's filters, in memory: by brand, by due (at `now`), earliest deadline first, limited.
    const select = (filter: { brand?: string; due?: 'overdue' | 'on-time'; limit?: number }) =>
      pending
        .filter((p) => !filter.brand || p.brand === filter.brand)
        .filter((p) => !filter.due || (filter.due === 'overdue') === p.overdue)
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .slice(0, filter.limit ?? Infinity);
    const posts = {
      pendingApprovals: (filter: Parameters<typeof select>[0]) => Promise.resolve(select(filter)),
      countPendingApprovals: (filter: Parameters<typeof select>[0]) => Promise.resolve(select(filter).length),
    } as unknown as PostQueryService;
    query = new CycleStatusQuery(records as unknown as CycleRepository, posts);
  });

  it("counts each brand's posts in this and next month, leaving out cancelled ones", async () => {
    records.posts = [
      { brandId: 'acme', publishAt: new Date('2026-11-02T09:00:00Z'), state: 'published' },
      { brandId: 'acme', publishAt: new Date('2026-11-25T09:00:00Z'), state: 'scheduled' },
      { brandId: 'acme', publishAt: new Date('2026-11-26T09:00:00Z'), state: 'cancelled' },
      { brandId: 'acme', publishAt: new Date('2026-12-01T00:00:00Z'), state: 'draft' },
      { brandId: 'bolt', publishAt: new Date('2026-11-03T09:00:00Z'), state: 'published' },
    ];

    const [acme, bolt] = await query.status(config, now);

    expect(acme.months).toEqual([
      expect.objectContaining({ month: '2026-11', stage: 'publish', postsPlanned: 2, published: 1 }),
      expect.objectContaining({ month: '2026-12', stage: 'plan', postsPlanned: 1, published: 0 }),
    ]);
    expect(acme.months[0].cadenceTarget).toBe(30); // 30 days / 7 × 7 a week
    expect(bolt.months[0]).toMatchObject({ postsPlanned: 1, published: 1 });
  });

  it('gives each brand its own incidents (most severe first, five at most), inbox and approvals', async () => {
    records.incidents = [
      { brandId: 'acme', state: 'open', severity: 'info', title: 'Slow replies' },
      { brandId: 'acme', state: 'acknowledged', severity: 'critical', title: 'Token refused' },
      { brandId: 'acme', state: 'open', severity: 'warning', title: 'Quiet channel' },
      ...['a', 'b', 'c'].map((k) => ({
        brandId: 'acme',
        state: 'open' as const,
        severity: 'info',
        title: k,
      })),
      { brandId: 'bolt', state: 'open', severity: 'critical', title: 'Bolt down' },
    ];
    records.inboxWaiting = new Map([['bolt', 4]]);
    pending = [
      approval('acme', 'Late', '2026-11-19T09:00:00.000Z', true),
      approval('acme', 'Soon', '2026-11-21T09:00:00.000Z', false),
      approval('bolt', 'Other', '2026-11-22T09:00:00.000Z', false),
    ];

    const [acme, bolt] = await query.status(config, now);

    expect(acme.incidents).toEqual({
      open: 5,
      acknowledged: 1,
      top: ['critical: Token refused', 'warning: Quiet channel', 'info: Slow replies', 'info: a', 'info: b'],
    });
    expect(bolt.incidents).toEqual({ open: 1, acknowledged: 0, top: ['critical: Bolt down'] });
    expect([acme.inboxWaiting, bolt.inboxWaiting]).toEqual([0, 4]);
    expect(acme).toMatchObject({ approvalsPending: 2, approvalsOverdue: 1 });
    expect(bolt).toMatchObject({ approvalsPending: 1, approvalsOverdue: 0 });
  });

  it("lists the next deadlines in time order: approvals not yet overdue, then next month's plan", async () => {
    pending = [
      approval('acme', 'Late', '2026-11-19T09:00:00.000Z', true),
      approval('acme', 'Later', '2026-11-23T09:00:00.000Z', false),
      approval('acme', 'Soon', '2026-11-21T09:00:00.000Z', false),
    ];

    const [acme] = await query.status(config, now);

    expect(acme.nextDeadlines).toEqual([
      { what: '"copy review" for "Soon"', at: '2026-11-21T09:00:00.000Z' },
      { what: '"copy review" for "Later"', at: '2026-11-23T09:00:00.000Z' },
      { what: 'plan for 2026-12 due', at: '2026-11-24T00:00:00.000Z' },
    ]);
    const [afterPlanDue] = await query.status(config, new Date('2026-11-25T00:00:00Z'));
    expect(afterPlanDue.nextDeadlines.map((d) => d.what)).not.toContain('plan for 2026-12 due');
  });
});
