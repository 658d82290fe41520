export interface NotificationMessage {
  /** Person ids or raw addresses the host resolved for this notifier. */
  to: Array<{ name?: string; address: string }>;
  subject: string;
  text: string;
  html?: string;
  /** Links a person may follow: acknowledge, resolve, open in Metronome. */
  links?: Array<{ label: string; url: string }>;
  severity?: 'info' | 'warning' | 'critical';
  attachments?: Array<{ filename: string; contentType: string; content: Uint8Array }>;
}

export interface NotifyResult {
  /** Identifier the remote side gave the message, when there is one. */
  id?: string;
}

export interface Notifier {
  send(message: NotificationMessage): Promise<NotifyResult>;
  close?(): Promise<void>;
}
