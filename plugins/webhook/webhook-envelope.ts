import type { NotificationMessage } from '../../src/plugin-sdk';

/** The JSON body every webhook request carries (documented in README "Notifiers"). */
export interface WebhookEnvelope {
  /** Same on every retry of one notification: receivers use it to drop duplicates. */
  id: string;
  type: 'notification';
  subject: string;
  text: string;
  html?: string;
  severity: 'info' | 'warning' | 'critical';
  links: Array<{ label: string; url: string }>;
  to: Array<{ name?: string; address: string }>;
  attachments?: Array<{ filename: string; content_type: string; size: number; content_base64: string }>;
  /** When this attempt was made (ISO 8601, UTC). */
  sent_at: string;
}

export function buildWebhookEnvelope(message: NotificationMessage, id: string, now: Date): WebhookEnvelope {
  return {
    id,
    type: 'notification',
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    severity: message.severity ?? 'info',
    links: message.links ?? [],
    to: message.to,
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            content_type: a.contentType,
            size: a.content.byteLength,
            content_base64: Buffer.from(a.content).toString('base64'),
          })),
        }
      : {}),
    sent_at: now.toISOString(),
  };
}
