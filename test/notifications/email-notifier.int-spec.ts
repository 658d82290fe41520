import {
  configWithNotifiers,
  createNotificationHarness,
  type NotificationHarness,
} from './notification-test.harness';
import { TestSmtpServer } from './test-smtp.server';

/** The email plugin through the dispatcher, against a real SMTP server that requires a login. */
describe('email notifier', () => {
  let smtp: TestSmtpServer;
  let harness: NotificationHarness;

  async function start(password = smtp.password): Promise<void> {
    harness = await createNotificationHarness(
      configWithNotifiers(
        [
          '  email:',
          '    plugin: email',
          '    options:',
          '      host: 127.0.0.1',
          `      port: "${smtp.port}"`,
          `      user: ${smtp.user}`,
          `      password: ${password}`,
          '      from: Metronome <metronome@studio.example>',
        ].join('\n'),
      ),
    );
  }

  beforeEach(async () => {
    smtp = await new TestSmtpServer().start();
  });

  afterEach(async () => {
    await harness?.dispose();
    await smtp.stop();
  });

  const report = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x10, 0x80]);
  const notification = {
    to: ['maya', 'theo', 'client@northwind.example'],
    subject: 'Monthly report: November — Demo Coffee',
    text: 'Your report is attached.\nWhat worked: reels.',
    html: '<p>Your report is <strong>attached</strong>.</p>',
    attachments: [{ filename: 'report-2026-11.pdf', contentType: 'application/pdf', content: report }],
  };

  it('delivers subject, text, HTML and attachment bytes to people’s e-mail addresses', async () => {
    await start();

    const result = await harness.dispatcher.send('email', notification);

    expect(result).toMatchObject({
      status: 'sent',
      attempts: 1,
      remoteId: expect.stringMatching(/^<.+@.+>$/),
    });
    expect(smtp.logins).toEqual(['metronome']);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.subject).toBe('Monthly report: November — Demo Coffee');
    expect(mail.from?.value).toEqual([{ name: 'Metronome', address: 'metronome@studio.example' }]);
    const to = Array.isArray(mail.to) ? mail.to.flatMap((a) => a.value) : (mail.to?.value ?? []);
    expect(to.map((a) => a.address)).toEqual([
      'maya@example.com',
      'theo@example.com',
      'client@northwind.example',
    ]);
    expect(to[0].name).toBe('Maya Owens');
    expect(mail.text?.trim()).toBe('Your report is attached.\nWhat worked: reels.');
    expect(mail.html).toBe('<p>Your report is <strong>attached</strong>.</p>');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      filename: 'report-2026-11.pdf',
      contentType: 'application/pdf',
    });
    expect(new Uint8Array(mail.attachments[0].content)).toEqual(report);
  });

  it('a permanent 5xx refusal fails at once with the server’s reply', async () => {
    await start();
    smtp.willAnswerRecipients({ refuse: 550, message: 'No such user here' });

    const result = await harness.dispatcher.send('email', { ...notification, to: ['ghost@studio.example'] });

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    if (result.status === 'failed') {
      expect(result.error).toContain(`email notifier "email": SMTP server 127.0.0.1:${smtp.port} refused`);
      expect(result.error).toContain('550');
      expect(result.error).toContain('No such user here');
    }
    expect(harness.sleeps).toEqual([]);
  });

  it('a wrong password (535) is an authentication failure: no retry, and the password never shows', async () => {
    await start('wrong-password-456');

    const result = await harness.dispatcher.send('email', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'authentication' });
    if (result.status === 'failed') {
      expect(result.error).toContain('535');
      expect(result.error).toContain('check notifiers.email.options.user and password');
    }
    expect(smtp.received).toEqual([]);
    expect(`${JSON.stringify(result)}\n${harness.logs.join('\n')}`).not.toContain('wrong-password-456');
  });

  it('a transient 4xx refusal is retried with backoff, then delivered', async () => {
    await start();
    smtp.willAnswerRecipients({ refuse: 451, message: 'Try again later' });

    const result = await harness.dispatcher.send('email', { ...notification, to: ['maya'] });

    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.sleeps).toEqual([500]);
    expect(smtp.received).toHaveLength(1);
  });

  it('a server that is down is retried, then reported as failed after 5 attempts', async () => {
    await start();
    await smtp.stop();

    const result = await harness.dispatcher.send('email', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 5, errorKind: 'transient' });
    if (result.status === 'failed') {
      expect(result.error).toContain('could not be reached');
    }
  });

  it('a person without an e-mail address is reported; with nobody left to send to, the send fails at once', async () => {
    await start();
    await harness.rewriteConfig(
      configWithNotifiers(
        `  email: { plugin: email, options: { host: 127.0.0.1, port: ${smtp.port}, user: ${smtp.user}, password: ${smtp.password}, from: ops@studio.example } }`,
      ).replace('theo: { name: Theo Grant, email: theo@example.com }', 'theo: { name: Theo Grant }'),
    );
    const noAddress = await harness.dispatcher.send('email', { ...notification, to: ['theo'] });

    expect(noAddress).toMatchObject({
      status: 'failed',
      attempts: 1,
      errorKind: 'permanent',
      unresolvedRecipients: [{ to: 'theo', reason: expect.stringContaining('add people.theo.email') }],
    });
  });
});
