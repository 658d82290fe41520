import { Clock } from '../clock/clock';
import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { LoadedConfig } from '../config/config.loader';
import { ConfigService } from '../config/config.service';
import { didYouMean } from '../config/did-you-mean';
import { PluginContextFactory } from '../plugin-host/plugin-context.factory';
import { notifierOptionsPlace } from '../plugin-host/configured-plugin-options';
import type { NotificationMessage } from '../plugin-sdk';
import { NotifierHealthService } from './notifier-health.service';
import { NotifierInstanceCache, type ActiveNotifier } from './notifier-instance.cache';
import { NotifierSetupError } from './notifier-setup.error';
import { resolveRecipients } from './notification-recipients.resolver';
import {
  decideRetry,
  DEFAULT_RETRY_OPTIONS,
  NOTIFICATION_RETRY_OPTIONS,
  type NotificationRetryOptions,
} from './notification-retry.policy';
import type { DeliveryResult, OutgoingNotification, UnresolvedRecipient } from './outgoing-notification';
import { redactSecretValues } from './secret-values.redactor';

/**
 * Delivers notifications through the notifier plugins named in the config (`notifiers: { id: { plugin } }`):
 * resolves recipients, retries transient failures with backoff and honours rate limits. Delivery failures
 * come back as a result, never as an exception, and feed the notifier health.
 */
@Injectable()
export class NotificationDispatcherService implements OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private readonly retry: NotificationRetryOptions;
  private readonly instances: NotifierInstanceCache;

  constructor(
    private readonly config: ConfigService,
    private readonly contexts: PluginContextFactory,
    private readonly health: NotifierHealthService,
    clock: Clock,
    @Optional()
    @Inject(NOTIFICATION_RETRY_OPTIONS)
    retry?: Partial<Omit<NotificationRetryOptions, 'clock'>>,
  ) {
    this.retry = { ...DEFAULT_RETRY_OPTIONS, clock, ...retry };
    this.instances = new NotifierInstanceCache(
      (notifierId) => this.start(notifierId, this.config.loaded),
      (notifierId, error) =>
        this.logger.warn(`notifier "${notifierId}" did not close cleanly: ${this.describe(error)}`),
    );
    config.onReload(() => this.instances.retireAll());
  }

  async send(notifierId: string, notification: OutgoingNotification): Promise<DeliveryResult> {
    const notificationId = notification.id ?? randomUUID();
    let attempts = 0;
    let unresolved: UnresolvedRecipient[] = [];
    for (;;) {
      try {
        const result = await this.instances.use(notifierId, async (active) => {
          const resolved = resolveRecipients(
            active.loaded.config,
            notifierId,
            active.addressing,
            notification.to,
          );
          if (attempts === 0 && resolved.unresolved.length > 0) {
            this.logger.warn(resolved.unresolved.map((u) => u.reason).join('; '));
          }
          unresolved = resolved.unresolved;
          attempts += 1;
          return active.notifier.send(this.messageFor(notification, notificationId, resolved.recipients));
        });
        this.health.recordSuccess(notifierId, this.retry.clock.now());
        return {
          status: 'sent',
          notifier: notifierId,
          notificationId,
          attempts,
          ...(result.id !== undefined ? { remoteId: result.id } : {}),
          unresolvedRecipients: unresolved,
        };
      } catch (error) {
        const reason = this.describe(error);
        const decision =
          error instanceof NotifierSetupError
            ? ({ retry: false, errorKind: 'configuration' } as const)
            : decideRetry(error, attempts, this.retry);
        if (!decision.retry) {
          this.logger.error(
            `notification ${notificationId} via "${notifierId}" not delivered after ${attempts} attempt(s): ${reason}`,
          );
          this.health.recordFailure(notifierId, reason, this.retry.clock.now());
          return {
            status: 'failed',
            notifier: notifierId,
            notificationId,
            attempts,
            error: reason,
            errorKind: decision.errorKind,
            unresolvedRecipients: unresolved,
          };
        }
        this.logger.warn(
          `notification ${notificationId} via "${notifierId}" attempt ${attempts}/${this.retry.maxAttempts} ` +
            `failed: ${reason}; next attempt in ${(decision.delayMs / 1000).toFixed(1)} s`,
        );
        await this.retry.sleep(decision.delayMs);
      }
    }
  }

  /** Closes every notifier instance (SMTP connections…) when the application shuts down. */
  async onModuleDestroy(): Promise<void> {
    await this.instances.closeAll();
  }

  private messageFor(
    notification: OutgoingNotification,
    id: string,
    to: NotificationMessage['to'],
  ): NotificationMessage & { id: string } {
    return {
      id,
      to,
      subject: notification.subject,
      text: notification.text,
      ...(notification.html !== undefined ? { html: notification.html } : {}),
      ...(notification.links ? { links: notification.links } : {}),
      ...(notification.severity ? { severity: notification.severity } : {}),
      ...(notification.attachments ? { attachments: notification.attachments } : {}),
    };
  }

  /** Instantiates the notifier's plugin with its validated options and a context scoped to `notifier/<id>`. */
  private async start(notifierId: string, loaded: LoadedConfig): Promise<ActiveNotifier> {
    const notifiers = loaded.config.notifiers;
    const definition = Object.hasOwn(notifiers, notifierId) ? notifiers[notifierId] : undefined;
    if (!definition) {
      const known = Object.keys(notifiers);
      throw new NotifierSetupError(
        `unknown notifier "${notifierId}"${didYouMean(notifierId, known)}: ` +
          (known.length > 0 ? `defined are ${known.join(', ')}` : 'add it under notifiers: in the config'),
      );
    }
    const place = `notifier "${notifierId}" (notifiers.${notifierId}.plugin: ${definition.plugin})`;
    const plugin = loaded.plugins.find('notifier', definition.plugin);
    if (!plugin) {
      const failure = loaded.plugins.failure(definition.plugin, 'notifier');
      throw new NotifierSetupError(
        failure
          ? `${place}: the plugin failed to load: ${failure}`
          : `${place}: no notifier plugin of that name (available: ${loaded.plugins.names('notifier').join(', ') || 'none'})`,
      );
    }
    const options = await loaded.pluginOptions.of(
      notifierOptionsPlace(notifierId),
      plugin,
      definition.options,
    );
    if (!options.ok) {
      const problems = options.problems.map(
        (p) => `${['notifiers', notifierId, 'options', ...p.path].join('.')}: ${p.message}`,
      );
      throw new NotifierSetupError(`${place}: invalid options: ${problems.join('; ')}`);
    }
    const context = this.contexts.create(definition.plugin, `notifier/${notifierId}`, this.retry.clock);
    try {
      const notifier = await plugin.create(context, options.value);
      return { notifier, plugin: definition.plugin, addressing: plugin.addressing ?? 'handle', loaded };
    } catch (error) {
      throw new NotifierSetupError(
        `${place}: the plugin could not start: ${this.describe(error)}`,
        undefined,
        undefined,
        { cause: error },
      );
    }
  }

  private describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return redactSecretValues(message, this.config.loaded.secrets);
  }
}
