import { emailOptionsSchema } from './email-options.schema';

describe('email options', () => {
  const valid = { host: 'smtp.example.com', user: 'u', password: 'p', from: 'Metronome <m@example.com>' };

  it('accepts the agency example, defaults the port to 587, and takes a port from ${env:…} as text', () => {
    expect(emailOptionsSchema.parse(valid)).toEqual({ ...valid, port: 587 });
    expect(emailOptionsSchema.parse({ ...valid, port: '465' }).port).toBe(465);
    expect(emailOptionsSchema.parse({ ...valid, from: 'ops@example.com', tls: {} }).tls).toEqual({
      rejectUnauthorized: true,
    });
  });

  it('explains what to write for each mistake', () => {
    const messages = (input: unknown) =>
      emailOptionsSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

    expect(messages({ ...valid, host: undefined, hots: 'x' })).toEqual([
      'host: required: the SMTP server’s host name, e.g. "smtp.example.com"',
      ': unknown option "hots": the email notifier takes host, port, secure, user, password, from and tls',
    ]);
    expect(messages({ ...valid, port: 'smtp' })).toEqual([
      'port: must be a port number such as 587 (STARTTLS) or 465 (TLS)',
    ]);
    expect(messages({ ...valid, from: 'Metronome' })).toEqual([
      'from: must be an address such as "Metronome <metronome@example.com>" or "ops@example.com"',
    ]);
    expect(messages({ ...valid, password: undefined })).toEqual([
      'password: user and password go together: set both for a server that needs a login, or neither for an open relay',
    ]);
  });
});
