import { Injectable } from '@nestjs/common';
import type { RecipientLinks } from '../../escalations/notification-sender';
import { ApprovalLinks, type NotificationLink } from './approval-links';

const APPROVAL_OVERDUE_RULE = 'guard:approval-overdue';
const SUBJECT_PREFIX = 'approval:';

/**
 * The per-recipient links of an "approval overdue" incident's messages: each approver whose turn it is gets
 * "Approve" and "Request changes" links bound to them; everyone else, and a channel, gets /approvals.
 */
@Injectable()
export class ApprovalIncidentLinks implements RecipientLinks {
  constructor(private readonly approvals: ApprovalLinks) {}

  async linksFor(
    incident: { rule: string; subjectKey: string },
    person: string | null,
  ): Promise<NotificationLink[]> {
    if (incident.rule !== APPROVAL_OVERDUE_RULE || !incident.subjectKey.startsWith(SUBJECT_PREFIX)) {
      return [];
    }
    return this.approvals.forRecipient(incident.subjectKey.slice(SUBJECT_PREFIX.length), person);
  }
}
