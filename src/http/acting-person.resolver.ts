import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { didYouMean } from '../config/did-you-mean';
import { auditOrigin } from '../persistence/audit-origin';
import type { ApiCaller } from './api-caller';

/** Whether an action must be taken by a person (an approval) or may be taken by a service (an acknowledgement). */
export type ActorKind = 'person' | 'person-or-service';

/**
 * Who an API action is taken as. A person's token acts as that person; a service token acts as
 * "service:<name>" where a service may act at all. A person named in the body (`onBehalfOf`) is honoured
 * only for admin tokens, and the audit then records who acted on behalf of whom.
 */
@Injectable()
export class ActingPersonResolver {
  constructor(private readonly config: ConfigService) {}

  resolve(caller: ApiCaller, onBehalfOf: string | undefined, kind: ActorKind): string {
    const origin = auditOrigin.current();
    if (onBehalfOf !== undefined && onBehalfOf !== caller.person) {
      if (!caller.admin) {
        throw new ForbiddenException(
          `token "${caller.tokenName}" (${caller.identity}) may not act on behalf of "${onBehalfOf}": ` +
            `only admin tokens may (\`metronome token create … --admin\`); otherwise ${onBehalfOf} uses a token of their own ` +
            `(\`metronome token create --name <name> --person ${onBehalfOf}\`)`,
        );
      }
      const people = Object.keys(this.config.loaded.config.people);
      if (!people.includes(onBehalfOf)) {
        throw new BadRequestException(
          `onBehalfOf: "${onBehalfOf}" is not a person in the configuration${didYouMean(onBehalfOf, people)} (people: ${people.join(', ')})`,
        );
      }
      if (origin) {
        origin.actor = onBehalfOf;
        origin.onBehalfBy = caller.identity;
      }
      return onBehalfOf;
    }
    if (caller.person) {
      if (origin) {
        origin.actor = caller.person;
      }
      return caller.person;
    }
    if (kind === 'person') {
      throw new ForbiddenException(
        `this action is a person's decision, and token "${caller.tokenName}" is the service "${caller.service}": ` +
          `use a token created with \`--person <id>\`, or an admin token with "onBehalfOf": "<person id>"`,
      );
    }
    const actor = `service:${caller.service ?? caller.tokenName}`;
    if (origin) {
      origin.actor = actor;
    }
    return actor;
  }
}
