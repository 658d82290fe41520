import type { NotificationMessage } from '../plugin-sdk';

/** What a caller hands the dispatcher: recipients as person ids or raw addresses, content already rendered. */
export interface OutgoingNotification {
  /**
   * Identifies this notification across retries (the webhook notifier sends it as X-Metronome-Event-Id).
   * Give a stable one (e.g. derived from the incident and level) to make a re-send after a crash idempotent;
   * left out, the dispatcher makes one per send() call.
   */
  id?: string;
  /** Person ids from `people:` or raw addresses (an e-mail, a Slack user id…), passed through as written. */
  to: readonly string[];
  subject: string;
  text: string;
  html?: string;
  links?: NotificationMessage['links'];
  severity?: NotificationMessage['severity'];
  attachments?: NotificationMessage['attachments'];
}

/** Why a send failed, so callers can tell a config problem from an outage. */
export type DeliveryErrorKind =
  /** The notifier id, its plugin or its options are wrong: fix the config. Not retried. */
  | 'configuration'
  /** The remote side refused this message for good (PermanentError). Not retried. */
  | 'permanent'
  /** Credentials were refused (AuthenticationError). Not retried. */
  | 'authentication'
  /** Every attempt failed with a transient error or rate limit. */
  | 'transient';

export interface UnresolvedRecipient {
  to: string;
  reason: string;
}

export type DeliveryResult =
  | {
      status: 'sent';
      notifier: string;
      notificationId: string;
      attempts: number;
      /** The id the remote side gave the message (SMTP Message-ID, Discord message id…), when there is one. */
      remoteId?: string;
      unresolvedRecipients: UnresolvedRecipient[];
    }
  | {
      status: 'failed';
      notifier: string;
      notificationId: string;
      /** Delivery attempts made; 0 when the notifier could not even be set up. */
      attempts: number;
      /** Names the notifier, what went wrong and the fix; secrets from the config are redacted. */
      error: string;
      errorKind: DeliveryErrorKind;
      unresolvedRecipients: UnresolvedRecipient[];
    };
