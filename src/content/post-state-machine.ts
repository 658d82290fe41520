import type { PublishState } from './post.entity';

/**
 * Which state a post may move to from which (DESIGN section 3). Anything not listed is refused, so a
 * bug or a race can never, say, move a published post back to draft.
 */
/** Every state a post (or a channel variant) can be in, for validation of filters. */
export const POST_STATES = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'publishing',
  'finishing',
  'published',
  'failed',
  'missed',
  'held',
  'cancelled',
] as const satisfies readonly PublishState[];

export const POST_TRANSITIONS: Record<PublishState, readonly PublishState[]> = {
  draft: ['in_review', 'approved', 'cancelled'],
  in_review: ['approved', 'draft', 'held', 'cancelled'],
  approved: ['scheduled', 'draft', 'held', 'cancelled'],
  scheduled: ['publishing', 'draft', 'held', 'missed', 'cancelled'],
  publishing: ['published', 'failed', 'scheduled', 'finishing'],
  // A variant only (its post stays publishing): accepted by the platform, never sent again, so never scheduled.
  finishing: ['published', 'failed'],
  published: [],
  failed: ['scheduled', 'draft', 'cancelled'],
  missed: ['scheduled', 'draft', 'cancelled'],
  held: ['draft', 'in_review', 'approved', 'scheduled', 'cancelled'],
  cancelled: ['draft'],
};

/** States in which the file is the truth and may still rewrite the post. */
export const EDITABLE_STATES: readonly PublishState[] = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'held',
  'cancelled',
  'failed',
  'missed',
];

export function canTransition(from: PublishState, to: PublishState): boolean {
  return POST_TRANSITIONS[from].includes(to);
}
