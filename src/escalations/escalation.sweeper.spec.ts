import type { ConfigService } from '../config/config.service';
import { NotificationTemplateRenderer } from '../notifications/notification-template.renderer';
import { IncidentEntity } from './incident.entity';
import type { PolicySnapshot } from './escalation-policy.snapshot';
import { EscalationSweeper } from './escalation.sweeper';
import { IncidentLinkSigner } from './incident-link.signer';
import type { IncidentNotification, IncidentRepository } from './incident.repository';
import type { NotificationSender, OutgoingNotification } from './notification-sender';

/** The incidents the sweeper reads and claims, held in memory. */
class InMemoryIncidents {
  readonly rows = new Map<string, IncidentEntity>();
  readonly notifications: IncidentNotification[] = [];
  /** Ids another scheduler claims first. */
  readonly claimedElsewhere = new Set<string>();

  dueForEscalation(now: Date, limit: number): Promise<IncidentEntity[]> {
    const due = [...this.rows.values()]
      .filter((i) => i.state === 'open' && i.nextEscalationAt !== null && i.nextEscalationAt <= now)
      .sort((a, b) => a.nextEscalationAt!.getTime() - b.nextEscalationAt!.getTime())
      .slice(0, limit);
    return Promise.resolve(due.map((i) => ({ ...i })));
  }

  claimStep(id: string, level: number, nextEscalationAt: Date | null): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.state !== 'open' || row.level !== level || this.claimedElsewhere.has(id)) {
      return Promise.resolve(false);
    }
    Object.assign(row, { level: level + 1, nextEscalationAt });
    return Promise.resolve(true);
  }

  recordNotification(notification: IncidentNotification): Promise<void> {
    this.notifications.push(notification);
    return Promise.resolve();
  }
}

class Sender implements NotificationSender {
  readonly sent: Array<{ notifier: string; message: OutgoingNotification }> = [];
  send(notifier: string, message: OutgoingNotification) {
    this.sent.push({ notifier, message });
    return Promise.resolve({ status: 'sent' as const });
  }
}

const config = {
  loaded: {
    config: {
      organisation: { name: 'Acme Org', timezone: 'UTC' },
      brands: {},
      people: { maya: { handles: {} } },
      notifiers: { 'team-chat': { plugin: 'slack' } },
    },
    plugins: { find: () => undefined },
  },
} as unknown as ConfigService;

const MINUTE = 60_000;
const opened = new Date('2026-12-07T09:00:00Z');

function incident(id: string, policy: PolicySnapshot, nextEscalationAt: Date): IncidentEntity {
  return Object.assign(new IncidentEntity(), {
    id,
    brandId: null,
    rule: 'guard:approval-overdue',
    subjectKey: `approval:${id}`,
    dedupKey: `guard:approval-overdue|approval:${id}`,
    state: 'open',
    severity: 'warning',
    title: `Approval ${id} overdue`,
    details: {},
    policySnapshot: policy as unknown as IncidentEntity['policySnapshot'],
    level: 0,
    nextEscalationAt,
    openedAt: opened,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
  } satisfies Partial<IncidentEntity>);
}

describe('escalation sweeper (in-memory incidents)', () => {
  const twoLevels: PolicySnapshot = {
    policy: 'approvals',
    levels: [
      { targets: ['team-chat'], afterMs: 0 },
      { targets: ['team-chat', 'nobody'], afterMs: 30 * MINUTE },
    ],
    repeat: 0,
  };
  let incidents: InMemoryIncidents;
  let sender: Sender;
  let sweeper: EscalationSweeper;

  beforeEach(() => {
    incidents = new InMemoryIncidents();
    sender = new Sender();
    sweeper = new EscalationSweeper(
      incidents as unknown as IncidentRepository,
      config,
      sender,
      new IncidentLinkSigner(undefined, 'https://metronome.example'),
      new NotificationTemplateRenderer(),
    );
  });

  it('sends a due step once and schedules the next level after its delay', async () => {
    incidents.rows.set('a', incident('a', twoLevels, opened));
    incidents.rows.set('later', incident('later', twoLevels, new Date(opened.getTime() + MINUTE)));

    expect(await sweeper.sweep(opened)).toBe(1);
    expect(await sweeper.sweep(opened)).toBe(0);

    expect(sender.sent.map((s) => [s.notifier, s.message.id])).toEqual([['team-chat', 'a:0:team-chat:']]);
    expect(incidents.rows.get('a')).toMatchObject({
      level: 1,
      nextEscalationAt: new Date(opened.getTime() + 30 * MINUTE),
    });
    expect(incidents.rows.get('later')).toMatchObject({ level: 0 });
  });

  it('records a target nobody can reach as failed, and stops once the policy is exhausted', async () => {
    incidents.rows.set('a', incident('a', twoLevels, opened));
    await sweeper.sweep(opened);
    const secondStep = new Date(opened.getTime() + 30 * MINUTE);

    expect(await sweeper.sweep(secondStep)).toBe(1);

    expect(incidents.rows.get('a')).toMatchObject({ level: 2, nextEscalationAt: null });
    expect(incidents.notifications.map((n) => [n.level, n.target, n.channel, n.status])).toEqual([
      [0, 'team-chat', 'team-chat', 'sent'],
      [1, 'nobody', '-', 'failed'],
      [1, 'team-chat', 'team-chat', 'sent'],
    ]);
    expect(incidents.notifications[1].error).toContain('"nobody" is neither a person nor a notifier');
    expect(await sweeper.sweep(new Date(secondStep.getTime() + 24 * 60 * MINUTE))).toBe(0);
  });

  it('sends nothing for a step another scheduler claimed, nor for an acknowledged incident', async () => {
    incidents.rows.set('theirs', incident('theirs', twoLevels, opened));
    incidents.claimedElsewhere.add('theirs');
    incidents.rows.set(
      'acked',
      Object.assign(incident('acked', twoLevels, opened), { state: 'acknowledged' }),
    );

    expect(await sweeper.sweep(opened)).toBe(0);

    expect(sender.sent).toEqual([]);
    expect(incidents.notifications).toEqual([]);
  });
});
