import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../../config/config.service';
import { NotificationDispatcherService } from '../../notifications/notification-dispatcher.service';
import { NotificationTemplateRenderer } from '../../notifications/notification-template.renderer';
import { SignInLinks } from './sign-in-links';

/** Normalises a typed e-mail address for matching: trimmed, lower case. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** "15 minutes", "2 hours", "1 day": a link's lifetime as the e-mail says it. */
export function describeLifetime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes < 120) {
    return unit(Math.max(minutes, 1), 'minute');
  }
  const hours = Math.round(minutes / 60);
  return hours < 48 ? unit(hours, 'hour') : unit(Math.round(hours / 24), 'day');
}

/**
 * Sign-in by e-mail: the person whose `people.<id>.email` matches gets a one-time link through the first
 * configured notifier that addresses people by e-mail (the email plugin). Nothing tells the caller whether
 * the address matched: the answer, and its timing, are the same either way (the mail goes out after it).
 */
@Injectable()
export class EmailSignIn {
  private readonly logger = new Logger('SignIn');

  constructor(
    private readonly config: ConfigService,
    private readonly links: SignInLinks,
    private readonly renderer: NotificationTemplateRenderer,
    private readonly dispatcher: NotificationDispatcherService,
  ) {}

  /** The notifier sign-in e-mails go through, or undefined when none addresses people by e-mail. */
  notifier(): string | undefined {
    const loaded = this.config.loaded;
    return Object.entries(loaded.config.notifiers).find(
      ([, definition]) => loaded.plugins.find('notifier', definition.plugin)?.addressing === 'email',
    )?.[0];
  }

  /** The person with this e-mail address (case and surrounding spaces ignored), if exactly one has it. */
  personWith(address: string): string | undefined {
    const wanted = normaliseAddress(address);
    const matches = Object.entries(this.config.loaded.config.people).filter(
      ([, person]) => typeof person.email === 'string' && normaliseAddress(person.email) === wanted,
    );
    return matches.length === 1 ? matches[0][0] : undefined;
  }

  /** Sends a link when the address is someone's; returns at once (delivery, with its retries, runs behind). */
  request(address: string, next: string): Promise<void> {
    const notifier = this.notifier();
    const person = this.personWith(address);
    if (!notifier || !person) {
      return Promise.resolve();
    }
    const delivery = this.send(notifier, person, next).catch((error: unknown) => {
      this.logger.error(
        `the sign-in e-mail to "${person}" could not be sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
    return Promise.resolve();
  }

  /** Deliveries still running (tests wait for them; shutdown does not need to). */
  readonly pending = new Set<Promise<void>>();

  private async send(notifier: string, person: string, next: string): Promise<void> {
    const config = this.config.loaded.config;
    const link = await this.links.create(person, next);
    const rendered = this.renderer.render('sign-in-link', {
      organisation: config.organisation,
      name: config.people[person].name,
      link,
      lifetime: describeLifetime(config.web.signInLinkLifetime),
      links: [{ label: 'Sign in', url: link }],
    });
    const result = await this.dispatcher.send(notifier, { to: [person], ...rendered });
    if (result.status === 'failed') {
      this.logger.error(`the sign-in e-mail to "${person}" was not delivered: ${result.error}`);
    }
  }
}
