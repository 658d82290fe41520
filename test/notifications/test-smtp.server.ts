import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** How the server treats the next RCPT TO: accept, or refuse with an SMTP reply code. */
export type RecipientVerdict = { accept: true } | { refuse: number; message: string };

/**
 * A real SMTP server (smtp-server) on 127.0.0.1, random port, that requires AUTH (PLAIN/LOGIN) and parses
 * every message it accepts with mailparser. No TLS: loopback only, and the client must still log in.
 */
export class TestSmtpServer {
  readonly received: ParsedMail[] = [];
  readonly logins: string[] = [];
  private readonly verdicts: RecipientVerdict[] = [];
  private server?: SMTPServer;
  port = 0;

  constructor(
    readonly user = 'metronome',
    readonly password = 'smtp-password-123',
  ) {}

  /** Verdicts for the next RCPT TO commands, in order; after them every recipient is accepted. */
  willAnswerRecipients(...verdicts: RecipientVerdict[]): this {
    this.verdicts.push(...verdicts);
    return this;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        this.logins.push(auth.username ?? '');
        if (auth.username === this.user && auth.password === this.password) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onRcptTo: (_address: SMTPServerAddress, _session, callback) => {
        const verdict = this.verdicts.shift() ?? { accept: true };
        if ('accept' in verdict) {
          callback();
        } else {
          callback(Object.assign(new Error(verdict.message), { responseCode: verdict.refuse }));
        }
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
