import { Injectable, Logger, Optional } from '@nestjs/common';
import { METRONOME_VERSION } from '../app/version';
import { Clock, SYSTEM_CLOCK } from '../clock/clock';
import { MediaLinks } from '../media/media-links.service';
import { PluginStateRepository } from '../persistence/plugin-state.repository';
import type { JsonValue } from '../persistence/json-value';
import type {
  PluginClock,
  PluginContext,
  PluginCredentials,
  PluginLogger,
  PluginStateStore,
} from '../plugin-sdk';
import { OutboundWebhookClient } from '../webhooks/outbound-webhook.client';
import { WebhookTargetPolicy } from '../webhooks/webhook-target.policy';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import { createPluginHttpClient } from './plugin-http.client';

/**
 * Builds the context a plugin instance receives: a logger that names the plugin and scope, an HTTP client
 * with timeouts, durable state private to (plugin, scope), signed media URLs, and the clock (the injected Clock
 * unless the caller hands its own).
 */
@Injectable()
export class PluginContextFactory {
  /**
   * Without WebhookTargets (a test's hand-made factory) webhooks go to public addresses only; `clock` defaults
   * to the system's for such a factory too; without MediaLinks the context has no `media`. Nest injects all three.
   */
  constructor(
    private readonly state: PluginStateRepository,
    @Optional() private readonly webhookTargets?: WebhookTargets,
    private readonly clock: Clock = SYSTEM_CLOCK,
    @Optional() private readonly mediaLinks?: MediaLinks,
  ) {}

  /** `credentials`: the channel's OAuth tokens, for connectors whose plugin declares `oauth` (OAuthCredentialsFactory). */
  create(
    plugin: string,
    scope: string,
    clock: PluginClock = this.clock,
    credentials?: PluginCredentials,
  ): PluginContext {
    return {
      plugin,
      scope,
      logger: this.logger(plugin, scope),
      http: createPluginHttpClient(plugin, METRONOME_VERSION),
      webhooks:
        this.webhookTargets?.client(`plugin ${plugin}`) ??
        new OutboundWebhookClient(
          () => new WebhookTargetPolicy(),
          `Metronome/${METRONOME_VERSION} (plugin ${plugin})`,
          this.clock,
        ),
      media: this.mediaLinks?.forPlugin(plugin),
      state: this.store(plugin, scope),
      clock,
      ...(credentials ? { credentials } : {}),
    };
  }

  private logger(plugin: string, scope: string): PluginLogger {
    const logger = new Logger(`plugin:${plugin}:${scope}`);
    const format = (message: string, data?: Record<string, unknown>) =>
      data ? `${message} ${JSON.stringify(data)}` : message;
    return {
      debug: (message, data) => logger.debug(format(message, data)),
      info: (message, data) => logger.log(format(message, data)),
      warn: (message, data) => logger.warn(format(message, data)),
      error: (message, data) => logger.error(format(message, data)),
    };
  }

  private store(plugin: string, scope: string): PluginStateStore {
    const { state } = this;
    return {
      get: async <T>(key: string) => (await state.get(plugin, scope, key)) as T | undefined,
      set: (key, value) => state.set(plugin, scope, key, toJson(value)),
      setIfAbsent: async <T>(key: string, value: T) =>
        (await state.setIfAbsent(plugin, scope, key, toJson(value))) as T | undefined,
      delete: async (key) => {
        await state.delete(plugin, scope, key);
      },
      list: async <T>(prefix: string) =>
        (await state.list(plugin, scope, prefix)) as Array<{ key: string; value: T }>,
    };
  }
}

/** State must survive a round trip through JSON; Dates become ISO strings, undefined is refused. */
function toJson(value: unknown): JsonValue {
  if (value === undefined) {
    throw new Error('plugin state cannot store undefined: delete the key instead');
  }
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
