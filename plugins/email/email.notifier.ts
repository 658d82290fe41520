import { createTransport, type Mail, type SMTPSentMessageInfo, type SMTPTransportOptions } from 'nodemailer';
import {
  PermanentError,
  type NotificationMessage,
  type Notifier,
  type NotifyResult,
  type PluginContext,
} from '../../src/plugin-sdk';
import type { EmailOptions } from './email-options.schema';
import { toDeliveryError } from './smtp-error.mapper';

/** A dead or silent SMTP server must fail the attempt, not hold a worker (nodemailer waits minutes by default). */
const TIMEOUTS_MS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
};

/** Sends through SMTP with nodemailer: text and HTML alternatives, attachments, one connection per send. */
export class EmailNotifier implements Notifier {
  private readonly transport: Mail<SMTPSentMessageInfo, SMTPTransportOptions>;
  private readonly notifier: string;
  private readonly server: string;

  constructor(
    private readonly context: PluginContext,
    private readonly options: EmailOptions,
  ) {
    this.notifier = context.scope.replace(/^notifier\//, '');
    this.server = `${options.host}:${options.port}`;
    this.transport = createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? options.port === 465,
      ...(options.user !== undefined && options.password !== undefined
        ? { auth: { user: options.user, pass: options.password } }
        : {}),
      ...(options.tls ? { tls: { rejectUnauthorized: options.tls.rejectUnauthorized } } : {}),
      ...TIMEOUTS_MS,
    });
  }

  async send(message: NotificationMessage): Promise<NotifyResult> {
    if (message.to.length === 0) {
      throw new PermanentError(
        `email notifier "${this.notifier}": no recipients: give each person an "email" (people.<id>.email) or address them directly`,
      );
    }
    let info: SMTPSentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: this.options.from,
        to: message.to.map((r) => (r.name ? { name: r.name, address: r.address } : r.address)),
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(message.severity === 'critical' ? { priority: 'high' as const } : {}),
        attachments: (message.attachments ?? []).map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.content),
        })),
      });
    } catch (error) {
      throw toDeliveryError(error, { notifier: this.notifier, server: this.server });
    }
    if (info.rejected.length > 0) {
      // The server took the message for the other recipients; retrying would send them a duplicate.
      this.context.logger.warn('some recipients were refused', {
        server: this.server,
        refused: info.rejected.length,
        accepted: info.accepted.length,
      });
    }
    this.context.logger.debug('handed to the SMTP server', {
      server: this.server,
      messageId: info.messageId,
    });
    return { id: info.messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
