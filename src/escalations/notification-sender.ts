/** What escalations need from the notifications feature: send one message through one notifier. */
export interface OutgoingNotification {
  /** Person ids or raw addresses; resolved by the sender for its notifier. */
  to: string[];
  subject: string;
  text: string;
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
