import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import type { NotificationMessage, NotifierPlugin } from '../plugin-sdk';
import type { UnresolvedRecipient } from './outgoing-notification';

export type NotifierAddressing = NonNullable<NotifierPlugin['addressing']>;

export interface RecipientResolution {
  recipients: NotificationMessage['to'];
  unresolved: UnresolvedRecipient[];
}

/**
 * Person ids become the address the notifier knows them by, as its plugin declares (`addressing`):
 * `handles.<notifierId>`, or for e-mail notifiers their `email` (a handle for that notifier still wins).
 * A notifier that addresses no one (`none`) gets no person addresses. Anything that is not a person id is
 * a raw address and passes through as written.
 */
export function resolveRecipients(
  config: MetronomeConfig,
  notifierId: string,
  addressing: NotifierAddressing,
  to: readonly string[],
): RecipientResolution {
  const recipients: NotificationMessage['to'] = [];
  const unresolved: UnresolvedRecipient[] = [];
  const seen = new Set<string>();
  const add = (address: string, name?: string) => {
    if (!seen.has(address)) {
      seen.add(address);
      recipients.push(name === undefined ? { address } : { name, address });
    }
  };
  for (const target of to) {
    const person = Object.hasOwn(config.people, target) ? config.people[target] : undefined;
    if (!person) {
      add(target);
      continue;
    }
    const address =
      addressing === 'none'
        ? undefined
        : (person.handles[notifierId] ?? (addressing === 'email' ? person.email : undefined));
    if (address) {
      add(address, person.name);
    } else {
      unresolved.push({ to: target, reason: unreachableReason(target, notifierId, addressing) });
    }
  }
  return { recipients, unresolved };
}

function unreachableReason(person: string, notifierId: string, addressing: NotifierAddressing): string {
  switch (addressing) {
    case 'none':
      return `notifier "${notifierId}" posts to one place and does not address people: "${person}" is not mentioned`;
    case 'email':
      return `person "${person}" has no e-mail address for notifier "${notifierId}": add people.${person}.email`;
    case 'handle':
      return `person "${person}" has no address for notifier "${notifierId}": add people.${person}.handles.${notifierId}`;
  }
}
