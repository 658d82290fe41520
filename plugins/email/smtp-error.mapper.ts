import type { NodemailerError } from 'nodemailer';
import { AuthenticationError, PermanentError } from '../../src/plugin-sdk';

export interface SmtpDelivery {
  notifier: string;
  /** host:port, for messages; never the credentials. */
  server: string;
}

/** Reply codes that mean the login itself was refused or is required (RFC 4954). */
const AUTH_REPLIES = new Set([530, 534, 535, 538]);

/**
 * Turns what nodemailer throws into what the dispatcher acts on. RFC 5321: 4yz replies are transient (retry),
 * 5yz permanent, except 503 (bad command sequence), which a fresh connection can get past.
 */
export function toDeliveryError(error: unknown, delivery: SmtpDelivery): Error {
  const smtp = error as NodemailerError;
  const reply = smtp.response ? ` (${smtp.response.trim().slice(0, 200)})` : '';
  const where = `email notifier "${delivery.notifier}": SMTP server ${delivery.server}`;
  const options = `notifiers.${delivery.notifier}.options`;
  const code = smtp.responseCode;
  if (code !== undefined && code >= 400 && code < 500) {
    return new Error(`${where} deferred the message${reply} (a temporary refusal)`, { cause: error });
  }
  if (smtp.code === 'EAUTH' || (code !== undefined && AUTH_REPLIES.has(code))) {
    return new AuthenticationError(`${where} refused the login${reply}: check ${options}.user and password`, {
      cause: error,
    });
  }
  if (smtp.code === 'ENOAUTH') {
    return new AuthenticationError(`${where} needs a login: set ${options}.user and password`, {
      cause: error,
    });
  }
  if (code !== undefined && code >= 500 && code !== 503) {
    const what = smtp.code === 'EENVELOPE' ? 'refused the sender or recipients' : 'refused the message';
    return new PermanentError(`${where} ${what}${reply}: check the addresses and ${options}.from`, {
      cause: error,
    });
  }
  if (smtp.code === 'ECONFIG') {
    return new PermanentError(`${where}: ${smtp.message}: fix ${options}`, { cause: error });
  }
  const tlsHint = smtp.code === 'ETLS' ? `; check ${options}.secure and tls` : '';
  return new Error(`${where} could not be reached: ${smtp.message}${tlsHint}`, { cause: error });
}
