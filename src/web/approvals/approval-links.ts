import { Injectable } from '@nestjs/common';
import { ApprovalRepository } from '../../approvals/approval.repository';
import { ApprovalEntity } from '../../approvals/approval.entity';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { TransactionContext } from '../../persistence/transaction-context';
import { WebLinkService } from '../session/web-link.service';
import { webBaseUrl } from '../web-base-url';

/** What a one-click approval link does: its `web_links.purpose`. */
export const APPROVAL_LINK_PURPOSES = ['approve', 'request-changes'] as const;
export type ApprovalLinkPurpose = (typeof APPROVAL_LINK_PURPOSES)[number];

const HOUR = 3_600_000;
const MAX_LIFETIME_MS = 7 * 24 * HOUR;
/** A link for a step already past its deadline (+24h) still lives this long: the reminder must be usable. */
const MIN_LIFETIME_MS = HOUR;

/** A link as a notification carries it. */
export interface NotificationLink {
  label: string;
  url: string;
}

/**
 * Signed one-click decision links for approval notifications: one link per approver and purpose, bound to
 * that person and to one step (`subject` = the step's id), living until the step's deadline + 24 hours
 * (at most 7 days, at least an hour). A message to a channel (not a person) carries only /approvals.
 */
@Injectable()
export class ApprovalLinks {
  constructor(
    private readonly links: WebLinkService,
    private readonly approvals: ApprovalRepository,
    private readonly config: ConfigService,
    private readonly clock: Clock,
    private readonly transactions: TransactionContext,
  ) {}

  /** "Approve" and "Request changes" links for `person` on `step`. */
  async issue(step: Pick<ApprovalEntity, 'id' | 'dueAt'>, person: string): Promise<NotificationLink[]> {
    const now = this.clock.nowMs();
    const lifetimeMs = Math.min(
      MAX_LIFETIME_MS,
      Math.max(MIN_LIFETIME_MS, step.dueAt.getTime() + 24 * HOUR - now),
    );
    const base = webBaseUrl(this.config.loaded.config);
    const url = async (purpose: ApprovalLinkPurpose) =>
      `${base}/links/approvals/${await this.links.issue({ person, purpose, subject: step.id, lifetimeMs })}`;
    return [
      { label: 'Approve', url: await url('approve') },
      { label: 'Request changes', url: await url('request-changes') },
    ];
  }

  /**
   * The links for one recipient of a notification about approval step `approvalId`: the approvals screen for
   * everyone, plus one-click links when the recipient is a person whose turn it is on that step (still open,
   * the post's current step, and — for a step everyone approves — not approved by them yet).
   */
  async forRecipient(approvalId: string, person: string | null): Promise<NotificationLink[]> {
    const screen = { label: 'Open approvals', url: `${webBaseUrl(this.config.loaded.config)}/approvals` };
    if (!person) {
      return [screen];
    }
    const step = await this.currentStep(approvalId);
    if (!step || !(await this.isTurnOf(step, person))) {
      return [screen];
    }
    return [...(await this.issue(step, person)), screen];
  }

  /** The step, if it is still the open step of a post in review. */
  async currentStep(approvalId: string): Promise<ApprovalEntity | undefined> {
    const step = await this.transactions.manager.getRepository(ApprovalEntity).findOneBy({ id: approvalId });
    if (!step || step.status !== 'pending') {
      return undefined;
    }
    const [current] = await this.approvals.pendingStepsOf(step.postId);
    return current?.id === step.id ? step : undefined;
  }

  /** `person` is an approver of the step who has not approved it yet. */
  async isTurnOf(step: ApprovalEntity, person: string): Promise<boolean> {
    if (!step.approvers.includes(person)) {
      return false;
    }
    const approved = await this.approvals.approvalsOf([step.id]);
    return !approved.some((decision) => decision.person === person);
  }
}
