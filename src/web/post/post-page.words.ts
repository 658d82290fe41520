import type { ApprovalDecisionKind } from '../../approvals/approval-decision.entity';
import type { ApprovalMode, ApprovalStatus } from '../../approvals/approval.entity';
import type { PublishState } from '../../content/post.entity';

/** A publish state in words, with the badge that shows it (the words carry the meaning, not the colour). */
export const STATE_WORDS: Record<PublishState, { words: string; badge: string }> = {
  draft: { words: 'Draft', badge: 'badge' },
  in_review: { words: 'In review', badge: 'badge badge-info' },
  approved: { words: 'Approved', badge: 'badge badge-ok' },
  scheduled: { words: 'Scheduled', badge: 'badge badge-info' },
  publishing: { words: 'Publishing', badge: 'badge badge-info' },
  finishing: { words: 'Finishing on the network', badge: 'badge badge-info' },
  published: { words: 'Published', badge: 'badge badge-ok' },
  failed: { words: 'Failed', badge: 'badge badge-danger' },
  missed: { words: 'Missed', badge: 'badge badge-danger' },
  held: { words: 'Held', badge: 'badge badge-warn' },
  cancelled: { words: 'Cancelled', badge: 'badge' },
};

export function stateWords(state: string): string {
  return (STATE_WORDS as Record<string, { words: string } | undefined>)[state]?.words ?? state;
}

export function stateBadge(state: string): string {
  return (STATE_WORDS as Record<string, { badge: string } | undefined>)[state]?.badge ?? 'badge';
}

export const STEP_STATUS_WORDS: Record<ApprovalStatus, string> = {
  pending: 'Waiting',
  approved: 'Approved',
  rejected: 'Rejected',
  changes_requested: 'Changes requested',
  skipped: 'Skipped (the chain restarted or stopped)',
};

export const DECISION_WORDS: Record<ApprovalDecisionKind, string> = {
  approve: 'approved',
  reject: 'rejected',
  request_changes: 'asked for changes',
};

export function modeWords(mode: ApprovalMode): string {
  return mode === 'all' ? 'every approver must approve' : 'one approver is enough';
}

/** "A", "A and B", "A, B and C". */
export function listWords(names: readonly string[], last = 'and'): string {
  if (names.length <= 1) {
    return names.join('');
  }
  return `${names.slice(0, -1).join(', ')} ${last} ${names[names.length - 1]}`;
}

/** Who an open step still waits on: its approvers who have not approved (all), or any of them (any). */
export function waitsOn(
  mode: ApprovalMode,
  approvers: readonly string[],
  approvedBy: readonly string[],
): string[] {
  return mode === 'any' ? [...approvers] : approvers.filter((person) => !approvedBy.includes(person));
}

/** Who did something, in words: a person by name, a service or system role as it is. */
export interface ActorNames {
  person(id: string): string | undefined;
}

export function actorWords(actor: string, names: ActorNames): string {
  const person = names.person(actor);
  if (person) {
    return person;
  }
  if (actor.startsWith('service:')) {
    return actor;
  }
  return `${actor} (Metronome)`;
}

/** One audit row as the page shows it. */
export interface AuditRowInput {
  actor: string;
  onBehalfBy: string | null;
  apiTokenId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
}

export function whoWords(row: AuditRowInput, names: ActorNames): string {
  const actor = actorWords(row.actor, names);
  const by = row.onBehalfBy ? `${row.onBehalfBy} on behalf of ${actor}` : actor;
  return row.apiTokenId ? `${by}, through the API` : by;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function withReason(words: string, reason: unknown): string {
  const r = str(reason);
  return r ? `${words}: ${r}` : words;
}

/** What an audit row says happened, in words; `channelOf` names a variant's channel. */
export function auditWords(row: AuditRowInput, channelOf: (variantId: string) => string | undefined): string {
  const data = row.data;
  const channel = channelOf(row.subjectId) ?? 'a channel';
  switch (row.action) {
    case 'post.imported':
      return `Imported the post from ${str(data.file) ?? 'its file'}`;
    case 'post.updated':
      return `Updated the post from ${str(data.file) ?? 'its file'} (approvals restart)`;
    case 'post.state_changed':
      return withReason(
        `Moved the post from ${stateWords(String(data.from))} to ${stateWords(String(data.to))}`,
        data.reason,
      );
    case 'approval.decided': {
      const decision = DECISION_WORDS[data.decision as ApprovalDecisionKind] ?? String(data.decision);
      const step = str(data.step) ?? 'a step';
      const late = data.overdue === true ? ' (after the step was due)' : '';
      const base = `${decision.charAt(0).toUpperCase()}${decision.slice(1)} at “${step}”${late}`;
      return withReason(base, data.comment);
    }
    case 'variant.state_changed':
      return withReason(
        `${channel}: from ${stateWords(String(data.from))} to ${stateWords(String(data.to))}`,
        data.reason,
      );
    case 'variant.cancelled':
      return withReason(`${channel}: cancelled`, data.reason);
    default:
      return `${row.action.replace(/[._]/g, ' ')}`;
  }
}
