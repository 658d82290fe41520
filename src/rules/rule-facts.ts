import { RuleEvent } from '../config/schema/rules.schema';

const TIMESTAMP = 'google.protobuf.Timestamp';

/**
 * The fact types a rule condition can read. This is the documented contract for rule authors
 * (README "Rule facts"): a field used in `when` that is not listed here fails `metronome validate`.
 */
export const FACT_TYPES: Record<string, Record<string, string>> = {
  Brand: { id: 'string', name: 'string', timezone: 'string', owner: 'string' },
  Cycle: {
    id: 'string',
    stage: 'string',
    periodStart: TIMESTAMP,
    periodEnd: TIMESTAMP,
    planDueAt: TIMESTAMP,
    planReady: 'bool',
    postsPlanned: 'int',
    cadenceTarget: 'int',
  },
  Channel: {
    id: 'string',
    connector: 'string',
    status: 'string',
    postsPerWeek: 'int',
    scheduledNext7Days: 'int',
  },
  Post: {
    id: 'string',
    title: 'string',
    state: 'string',
    campaign: 'string',
    theme: 'string',
    funnelStage: 'string',
    tags: 'list<string>',
    channels: 'list<string>',
    publishAt: TIMESTAMP,
    hasCampaign: 'bool',
    graphemes: 'int',
    error: 'string',
  },
  Approval: {
    step: 'string',
    decision: 'string',
    by: 'string',
    comment: 'string',
    dueAt: TIMESTAMP,
    overdue: 'bool',
  },
  InboxItem: {
    id: 'string',
    kind: 'string',
    author: 'string',
    text: 'string',
    url: 'string',
    receivedAt: TIMESTAMP,
    ageMinutes: 'int',
  },
  ProfileDrift: { fields: 'list<string>' },
};

/** Variables every condition sees. */
const COMMON: Record<string, string> = { now: TIMESTAMP, brand: 'Brand', cycle: 'Cycle' };

/** What each trigger adds to the common facts. Schedules (`every:`) see only the common facts. */
export const TRIGGER_FACTS: Record<RuleEvent | 'schedule', Record<string, string>> = {
  'post.imported': { post: 'Post' },
  'post.submitted': { post: 'Post' },
  'post.scheduled': { post: 'Post', channel: 'Channel' },
  'post.published': { post: 'Post', channel: 'Channel' },
  'post.failed': { post: 'Post', channel: 'Channel' },
  'approval.decided': { post: 'Post', approval: 'Approval' },
  'inbox.received': { inbox: 'InboxItem', channel: 'Channel' },
  'profile.drifted': { channel: 'Channel', drift: 'ProfileDrift' },
  'metrics.collected': { channel: 'Channel', metrics: 'map<string, double>' },
  'cycle.stage_changed': { previousStage: 'string' },
  schedule: {},
};

export function factsFor(trigger: RuleEvent | 'schedule'): Record<string, string> {
  return { ...COMMON, ...TRIGGER_FACTS[trigger] };
}
