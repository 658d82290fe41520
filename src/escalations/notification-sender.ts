/** What escalations need from the notifications feature: send one message through one notifier. */
export interface OutgoingNotification {
  /** Stable across re-sends of the same notification, so receivers can drop duplicates. */
  id?: string;
  /** Person ids or raw addresses; resolved by the sender for its notifier. */
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; content: Uint8Array }>;
  severity: 'info' | 'warning' | 'critical';
  links: Array<{ label: string; url: string }>;
}

export interface NotificationSender {
  send(
    notifierId: string,
    message: OutgoingNotification,
  ): Promise<{ status: 'sent' | 'failed'; error?: string }>;
}

export const NOTIFICATION_SENDER = Symbol('NOTIFICATION_SENDER');

/**
 * Links for one recipient of an incident's message, beside the incident's own (e.g. one-click approval links
 * bound to the approver it goes to). `person` is null for a message to a notifier target (a team channel).
 */
export interface RecipientLinks {
  linksFor(
    incident: { rule: string; subjectKey: string },
    person: string | null,
  ): Promise<Array<{ label: string; url: string }>>;
}

export const RECIPIENT_LINKS = Symbol('RECIPIENT_LINKS');
