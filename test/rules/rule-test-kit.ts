import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationSender, OutgoingNotification } from '../../src/escalations/notification-sender';

/** Records what the notifications feature was asked to send (the notifiers have their own suites). */
export class RecordingSender implements NotificationSender {
  readonly sent: Array<{ notifier: string } & OutgoingNotification> = [];

  async send(notifier: string, message: OutgoingNotification) {
    this.sent.push({ notifier, ...message });
    return { status: 'sent' as const };
  }
}

/** A folder plugin `recorder` (a notifier that addresses people by e-mail) for configs under test. */
export function writeRecorderPlugin(dir: string): void {
  mkdirSync(join(dir, 'recorder'));
  writeFileSync(
    join(dir, 'recorder', 'index.js'),
    "module.exports = (sdk) => sdk.defineNotifier({ kind: 'notifier', name: 'recorder', version: '1.0.0', sdk: '^1.0.0', addressing: 'email', create: () => ({ send: async () => ({}) }) });",
  );
}
