import { FakeClock } from '../clock/fake.clock';
import { PostStateService } from '../content/post-state.service';
import type { PostRepository, StateMove } from '../content/post.repository';
import type { DomainEvent } from '../events/domain-event';
import type { TransactionalEvents } from '../events/transactional-events';
import type { AuditEventInput, AuditRepository } from '../persistence/audit.repository';
import type { ApprovalEntity, ApprovalStatus } from './approval.entity';
import type { PostEntity, PublishState } from '../content/post.entity';
import type { ApprovalStepPlan } from './approval-chain';
import type { ApprovalRepository, NewDecision } from './approval.repository';
import { ApprovalService } from './approval.service';

/** The posts table in memory: the conditional move of the real one, and the variants that follow their post. */
class InMemoryPosts {
  readonly rows = new Map<string, PostEntity>();
  readonly variantStates = new Map<string, PublishState>();

  byId(id: string): Promise<PostEntity | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }

  moveState(postId: string, move: StateMove): Promise<boolean> {
    const row = this.rows.get(postId);
    if (row?.state !== move.from) {
      return Promise.resolve(false);
    }
    Object.assign(row, { state: move.to, stateReason: move.reason, updatedAt: move.at });
    return Promise.resolve(true);
  }

  moveFollowingVariants(
    postId: string,
    following: readonly PublishState[],
    change: { state: PublishState },
  ): Promise<void> {
    const state = this.variantStates.get(postId);
    if (state && following.includes(state)) {
      this.variantStates.set(postId, change.state);
    }
    return Promise.resolve();
  }
}

/** The approvals and decisions tables in memory. */
class InMemoryApprovals {
  readonly steps: ApprovalEntity[] = [];
  readonly decisions: NewDecision[] = [];

  insertSteps(postId: string, steps: readonly ApprovalStepPlan[]): Promise<void> {
    for (const [stepIndex, step] of steps.entries()) {
      this.steps.push({
        id: `${postId}-step-${stepIndex}`,
        postId,
        stepIndex,
        stepName: step.name,
        mode: step.mode,
        approvers: step.approvers,
        dueAt: step.dueAt,
        status: 'pending',
      });
    }
    return Promise.resolve();
  }

  skipOpen(postId: string): Promise<void> {
    for (const step of this.steps) {
      if (step.postId === postId && ['pending', 'approved'].includes(step.status)) {
        step.status = 'skipped';
      }
    }
    return Promise.resolve();
  }

  pendingStepsOf(postId: string): Promise<ApprovalEntity[]> {
    return Promise.resolve(
      this.steps
        .filter((step) => step.postId === postId && step.status === 'pending')
        .sort((a, b) => a.stepIndex - b.stepIndex)
        .map((step) => ({ ...step })),
    );
  }

  setStatus(approvalId: string, status: ApprovalStatus): Promise<void> {
    this.steps.filter((step) => step.id === approvalId).forEach((step) => (step.status = status));
    return Promise.resolve();
  }

  insertDecision(decision: NewDecision): Promise<void> {
    this.decisions.push(decision);
    return Promise.resolve();
  }

  approvalsOf(approvalIds: readonly string[]): Promise<Array<{ approvalId: string; person: string }>> {
    return Promise.resolve(
      this.decisions
        .filter((d) => approvalIds.includes(d.approvalId) && d.decision === 'approve')
        .map(({ approvalId, person }) => ({ approvalId, person })),
    );
  }
}

const PUBLISH_AT = new Date('2026-12-01T09:00:00Z');

function setUp() {
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const posts = new InMemoryPosts();
  const approvals = new InMemoryApprovals();
  const audit: AuditEventInput[] = [];
  const events: DomainEvent[] = [];
  const auditRepository = {
    append: (event: AuditEventInput) => Promise.resolve(audit.push(event)),
  } as unknown as AuditRepository;
  const transactionalEvents = {
    run: <T>(work: () => Promise<T>) => work(),
    record: (event: DomainEvent) => events.push(event),
  } as unknown as TransactionalEvents;
  const postRepository = posts as unknown as PostRepository;
  const states = new PostStateService(postRepository, auditRepository, transactionalEvents, clock);
  const service = new ApprovalService(
    states,
    approvals as unknown as ApprovalRepository,
    postRepository,
    auditRepository,
    transactionalEvents,
    clock,
  );
  const post = {
    id: 'p1',
    brandId: 'acme',
    title: 'Launch',
    state: 'in_review',
    publishAt: PUBLISH_AT,
  } as PostEntity;
  posts.rows.set(post.id, { ...post });
  posts.variantStates.set(post.id, 'in_review');
  return { clock, posts, approvals, audit, events, service, states, post };
}

const CHAIN: ApprovalStepPlan[] = [
  { name: 'copy review', approvers: ['theo'], mode: 'any', dueAt: new Date('2026-11-29T09:00:00Z') },
  { name: 'sign-off', approvers: ['maya', 'ivy'], mode: 'all', dueAt: new Date('2026-11-30T09:00:00Z') },
];

describe('ApprovalService against in-memory repositories', () => {
  it('schedules the post once every step is complete, an "all" step only when all its approvers approved', async () => {
    const { posts, approvals, events, service, post } = setUp();
    await approvals.insertSteps(post.id, CHAIN);

    await service.decide({ postId: post.id, person: 'theo', decision: 'approve' });
    const afterMaya = await service.decide({ postId: post.id, person: 'maya', decision: 'approve' });
    expect(afterMaya.postState).toBe('in_review');
    const last = await service.decide({ postId: post.id, person: 'ivy', decision: 'approve' });

    expect(last.postState).toBe('scheduled');
    expect(posts.rows.get(post.id)?.state).toBe('scheduled');
    expect(posts.variantStates.get(post.id)).toBe('scheduled');
    expect(approvals.steps.map((step) => step.status)).toEqual(['approved', 'approved']);
    expect(events.map((event) => event.type)).toEqual([
      'approval.decided',
      'approval.decided',
      'approval.decided',
      'post.scheduled',
    ]);
  });

  it('sends a rejected post back to draft with the reason and skips its open steps', async () => {
    const { posts, approvals, audit, service, post } = setUp();
    await approvals.insertSteps(post.id, CHAIN);

    const outcome = await service.decide({
      postId: post.id,
      person: 'theo',
      decision: 'reject',
      comment: 'wrong price',
    });

    expect(outcome.postState).toBe('draft');
    expect(posts.rows.get(post.id)?.stateReason).toBe('rejected by theo at "copy review": wrong price');
    expect(approvals.steps.map((step) => step.status)).toEqual(['rejected', 'skipped']);
    expect(audit.map((event) => event.action)).toEqual(['approval.decided', 'post.state_changed']);
  });

  it('refuses a person who is not an approver of the open step, and dates decisions by the clock', async () => {
    const { clock, approvals, audit, service, post } = setUp();
    await approvals.insertSteps(post.id, CHAIN);
    clock.set('2026-11-29T10:00:00Z');

    await expect(service.decide({ postId: post.id, person: 'maya', decision: 'approve' })).rejects.toThrow(
      'maya is not an approver of step "copy review" (approvers: theo)',
    );
    await service.decide({ postId: post.id, person: 'theo', decision: 'approve' });

    expect(approvals.decisions).toEqual([
      expect.objectContaining({ person: 'theo', decidedAt: new Date('2026-11-29T10:00:00Z') }),
    ]);
    expect(audit[0]).toMatchObject({ data: { overdue: true }, at: new Date('2026-11-29T10:00:00Z') });
  });

  it('approves and schedules a post whose channels have no chain at once', async () => {
    const { posts, service, post } = setUp();

    await service.open(post, [], 'plan-sync', new Date('2026-11-20T10:00:00Z'));

    expect(posts.rows.get(post.id)?.state).toBe('scheduled');
  });
});

describe('PostStateService against an in-memory repository', () => {
  it('reports a lost race with false and changes, audits and announces nothing', async () => {
    const { posts, audit, events, states, post } = setUp();
    posts.rows.get(post.id)!.state = 'held';

    expect(await states.transition(post, 'approved', { actor: 'maya' })).toBe(false);

    expect(posts.rows.get(post.id)?.state).toBe('held');
    expect(post.state).toBe('in_review');
    expect(audit).toEqual([]);
    expect(events).toEqual([]);
  });

  it('refuses a move the state machine does not allow', async () => {
    const { states, post } = setUp();

    await expect(states.transition(post, 'published', { actor: 'maya' })).rejects.toThrow(
      'post p1 cannot go from in_review to published',
    );
  });
});
