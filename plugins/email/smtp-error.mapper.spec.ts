import { AuthenticationError, PermanentError } from '../../src/plugin-sdk';
import { toDeliveryError } from './smtp-error.mapper';

describe('toDeliveryError', () => {
  const delivery = { notifier: 'mail', server: 'smtp.example.com:587' };
  const smtp = (fields: Record<string, unknown>) => Object.assign(new Error('smtp error'), fields);
  const kind = (error: Error) =>
    error instanceof AuthenticationError
      ? 'auth'
      : error instanceof PermanentError
        ? 'permanent'
        : 'transient';

  it.each([
    [{ responseCode: 451, code: 'EENVELOPE' }, 'transient'],
    [{ responseCode: 421, code: 'EPROTOCOL' }, 'transient'],
    [{ responseCode: 454, code: 'EAUTH' }, 'transient'],
    [{ responseCode: 535, code: 'EAUTH' }, 'auth'],
    [{ responseCode: 530 }, 'auth'],
    [{ code: 'ENOAUTH' }, 'auth'],
    [{ responseCode: 550, code: 'EENVELOPE' }, 'permanent'],
    [{ responseCode: 552, code: 'EMESSAGE' }, 'permanent'],
    [{ responseCode: 503, code: 'EPROTOCOL' }, 'transient'],
    [{ code: 'ETIMEDOUT' }, 'transient'],
    [{ code: 'ECONNECTION' }, 'transient'],
    [{ code: 'ECONFIG' }, 'permanent'],
  ])('%j is %s', (fields, expected) => {
    expect(kind(toDeliveryError(smtp(fields), delivery))).toBe(expected);
  });

  it('names the notifier, the server and the option to fix', () => {
    const error = toDeliveryError(
      smtp({ responseCode: 535, response: '535 5.7.8 bad credentials' }),
      delivery,
    );

    expect(error.message).toBe(
      'email notifier "mail": SMTP server smtp.example.com:587 refused the login (535 5.7.8 bad credentials): ' +
        'check notifiers.mail.options.user and password',
    );
  });
});
