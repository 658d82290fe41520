import { defineNotifier } from '../../src/plugin-sdk';
import { EmailNotifier } from './email.notifier';
import { emailOptionsSchema, type EmailOptions } from './email-options.schema';

/** E-mail through an SMTP server: the dispatcher's rendered text and HTML, with attachments (reports). */
export default defineNotifier<EmailOptions>({
  kind: 'notifier',
  name: 'email',
  version: '1.0.0',
  sdk: '^2.0.0',
  // People are reached at people.<id>.email.
  addressing: 'email',
  description: 'E-mail over SMTP (nodemailer): text + HTML, attachments; people reached at their "email".',
  options: emailOptionsSchema,
  create: (context, options) => new EmailNotifier(context, options),
});
