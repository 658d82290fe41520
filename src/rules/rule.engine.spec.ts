import { FakeClock } from '../clock/fake.clock';
import type { ConfigService } from '../config/config.service';
import type { BrandConfig, RuleConfig } from '../config/schema/metronome-config.schema';
import type { IncidentService } from '../escalations/incident.service';
import type { DomainEvent } from '../events/domain-event';
import { DomainEventBus } from '../events/domain-event.bus';
import { CompiledRules } from './compiled-rules';
import { toFact } from './fact-values';
import type { RuleMatch } from './rule-action.executor';
import type { RuleActions } from './rule-actions';
import type { RuleFactsBuilder } from './rule-facts.builder';
import type { NewRuleFiring, RuleFiringRepository } from './rule-firing.repository';
import { RuleEngine } from './rule.engine';

/** rule_firings in memory, with the table's rule: one uncleared firing per (rule, subject). */
class InMemoryRuleFirings {
  readonly rows: Array<
    Omit<NewRuleFiring, 'id'> & { id: string; clearedAt: Date | null; actedAt: Date | null }
  > = [];

  async insertOne(firing: Omit<NewRuleFiring, 'id'>): Promise<string | undefined> {
    if (this.open(firing.rule, firing.subjectKey)) {
      return undefined;
    }
    const id = `firing-${this.rows.length + 1}`;
    this.rows.push({ ...firing, id, clearedAt: null, actedAt: null });
    return id;
  }

  async clear(rule: string, subjectKey: string, at: Date): Promise<boolean> {
    const open = this.open(rule, subjectKey);
    if (open) {
      open.clearedAt = at;
    }
    return open !== undefined;
  }

  async markActed(ids: readonly string[], at: Date): Promise<void> {
    this.rows.filter((row) => ids.includes(row.id)).forEach((row) => (row.actedAt = at));
  }

  private open(rule: string, subjectKey: string) {
    return this.rows.find((row) => row.rule === rule && row.subjectKey === subjectKey && !row.clearedAt);
  }
}

const BRAND = {
  name: 'Acme',
  timezone: 'Europe/London',
  owner: 'maya',
  channels: {},
} as unknown as BrandConfig;
const AD_HOC = {
  name: 'ad-hoc',
  on: 'post.submitted',
  when: '!post.hasCampaign',
  then: [{ escalate: 'owner' }],
  enabled: true,
} as RuleConfig;

describe('RuleEngine (in-memory firings)', () => {
  const clock = new FakeClock('2026-11-30T08:00:00Z');
  let firings: InMemoryRuleFirings;
  let executed: RuleMatch[];
  let resolved: Array<{ rule: string; subjectKey: string }>;
  let hasCampaign: boolean;
  let engine: RuleEngine;

  beforeEach(() => {
    firings = new InMemoryRuleFirings();
    executed = [];
    resolved = [];
    hasCampaign = false;
    const config = {
      loaded: { config: { brands: { acme: BRAND }, rules: [AD_HOC] } },
      onReload: () => undefined,
    } as unknown as ConfigService;
    const facts = {
      forEvent: async (event: DomainEvent) => ({
        post: toFact('Post', { id: event.subject.id, title: 'Launch', hasCampaign }),
      }),
      common: async (brandId: string, _brand: BrandConfig, now: Date) => ({
        now,
        brand: toFact('Brand', { id: brandId, name: 'Acme' }),
        cycle: toFact('Cycle', { stage: 'produce' }),
      }),
    } as unknown as RuleFactsBuilder;
    const actions = {
      execute: async (match: RuleMatch) => void executed.push(match),
    } as unknown as RuleActions;
    const incidents = {
      resolveCleared: async (rule: string, subjectKey: string) => void resolved.push({ rule, subjectKey }),
    } as unknown as IncidentService;
    engine = new RuleEngine(
      firings as unknown as RuleFiringRepository,
      config,
      new DomainEventBus(),
      facts,
      actions,
      incidents,
      new CompiledRules(config),
      clock,
    );
  });

  const submitted = (postId: string): DomainEvent => ({
    type: 'post.submitted',
    brandId: 'acme',
    subject: { type: 'post', id: postId },
    at: clock.now(),
  });

  it('fires once per subject while its condition holds, and marks the firing acted', async () => {
    await engine.onEvent(submitted('p1'));
    await engine.onEvent(submitted('p1'));
    await engine.onEvent(submitted('p2'));

    expect(executed.map((match) => [match.subjectKey, match.postId, match.title])).toEqual([
      ['post:p1', 'p1', 'Rule "ad-hoc": "Launch"'],
      ['post:p2', 'p2', 'Rule "ad-hoc": "Launch"'],
    ]);
    expect(firings.rows.map((row) => [row.subjectKey, row.actedAt])).toEqual([
      ['post:p1', clock.now()],
      ['post:p2', clock.now()],
    ]);
  });

  it('clears the firing and resolves its incident once the condition is false, then may fire again', async () => {
    await engine.onEvent(submitted('p1'));
    hasCampaign = true;
    await engine.onEvent(submitted('p1'));
    expect(resolved).toEqual([{ rule: 'rule:ad-hoc', subjectKey: 'post:p1' }]);

    hasCampaign = false;
    await engine.onEvent(submitted('p1'));
    expect(executed).toHaveLength(2);
    expect(firings.rows.map((row) => row.clearedAt !== null)).toEqual([true, false]);
  });

  it('resolves nothing when the condition is false for a subject that never fired', async () => {
    hasCampaign = true;
    await engine.onEvent(submitted('p1'));
    expect(resolved).toEqual([]);
    expect(executed).toEqual([]);
  });
});
