import { Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import { OAuthCredentialsFactory } from '../credentials/oauth-credentials.factory';
import { PluginContextFactory } from '../plugin-host/plugin-context.factory';
import { channelOptionsPlace } from '../plugin-host/configured-plugin-options';
import type { Connector, ConnectorPlugin, PluginCredentials } from '../plugin-sdk';
import { ChannelRepository } from './channel.repository';
import { checkConnectorShape } from './connector-shape';

export class ConnectorSetupError extends Error {}

export interface ConnectorInstance {
  connector: Connector;
  plugin: ConnectorPlugin;
  /** The channel's credentials version (see ChannelEntity.credentialsVersion) this instance was built at. */
  credentialsVersion: number;
}

interface HeldInstance {
  credentialsVersion: number;
  instance: Promise<ConnectorInstance>;
}

/**
 * One connector instance per channel, built from the config in force and rebuilt after a reload, or when the
 * channel's credentials were renewed (`metronome channels reconnect`, in any process): a caller names the
 * credentials version it read on the channel's row, and an instance built at an older one is replaced after the
 * config's secrets were read again.
 */
@Injectable()
export class ConnectorInstances {
  private readonly logger = new Logger('Connectors');
  private readonly instances = new Map<string, HeldInstance>();
  private readonly renewals = new Map<string, Promise<void>>();
  /** Per channel, the credentials version this process last read the configuration's secrets for. */
  private readonly secretsReadAt = new Map<string, number>();
  /** Plugins (name@version) whose shape warnings were logged: once per process, not once per channel or rebuild. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: ConfigService,
    private readonly contexts: PluginContextFactory,
    private readonly channels: ChannelRepository,
    /** The connectors' clock (their plugin context's). */
    private readonly clock: Clock,
    /** The OAuth tokens of channels whose plugin declares `oauth`; absent in hand-built test instances. */
    @Optional() private readonly oauthCredentials?: OAuthCredentialsFactory,
  ) {
    this.config.onReload(() => this.reset());
  }

  /**
   * The channel's instance. `credentialsVersion`: the version on the channel row the caller holds; without it the
   * row is read (callers off the publishing hot path).
   */
  async get(brandId: string, channelKey: string, credentialsVersion?: number): Promise<ConnectorInstance> {
    const key = `${brandId}/${channelKey}`;
    const wanted = credentialsVersion ?? (await this.channels.credentialsVersion(brandId, channelKey));
    // Until this process has read the secrets since that renewal (none yet after a start: read them once, to be sure).
    while ((this.secretsReadAt.get(key) ?? 0) < wanted) {
      // Several sends may notice at once: one renewal, the others wait for it.
      let renewal = this.renewals.get(key);
      if (!renewal) {
        renewal = this.renew(key, wanted).finally(() => this.renewals.delete(key));
        this.renewals.set(key, renewal);
      }
      await renewal;
    }
    let held = this.instances.get(key);
    if (!held || held.credentialsVersion < wanted) {
      const old = held;
      const created: HeldInstance = {
        credentialsVersion: wanted,
        instance: this.create(brandId, channelKey, wanted),
      };
      created.instance.catch(() => {
        if (this.instances.get(key) === created) {
          this.instances.delete(key);
        }
      });
      this.instances.set(key, created);
      held = created;
      // Built with the credentials renewed since: the same secret may be accepted now, a token refreshed on login.
      void old?.instance.then(({ connector }) => connector.close?.()).catch(() => undefined);
    }
    return held.instance;
  }

  async reset(): Promise<void> {
    const old = [...this.instances.values()];
    this.instances.clear();
    for (const { instance } of old) {
      await instance.then(({ connector }) => connector.close?.()).catch(() => undefined);
    }
  }

  /**
   * The channel's credentials were renewed (its version is `version` now): read the configuration again, so
   * `${file:…}` and `${env:…}` give their current values. A changed secret is a new configuration, which rebuilds
   * every instance; the channel's own instance is rebuilt in any case (see `get`).
   */
  private async renew(key: string, version: number): Promise<void> {
    this.logger.log(`the credentials of ${key} were renewed: reading the configuration's secrets again`);
    await this.config.reload(`the credentials of ${key} were renewed`);
    this.secretsReadAt.set(key, Math.max(this.secretsReadAt.get(key) ?? 0, version));
  }

  private async create(
    brandId: string,
    channelKey: string,
    credentialsVersion: number,
  ): Promise<ConnectorInstance> {
    const loaded = this.config.loaded;
    const channel = loaded.config.brands[brandId]?.channels[channelKey];
    if (!channel) {
      throw new ConnectorSetupError(`channel ${brandId}/${channelKey} is not in the configuration any more`);
    }
    const plugin = loaded.plugins.find('connector', channel.connector);
    if (!plugin) {
      throw new ConnectorSetupError(
        `connector plugin "${channel.connector}" is not loaded (see \`metronome plugins list\`)`,
      );
    }
    const options = await loaded.pluginOptions.of(
      channelOptionsPlace(brandId, channelKey),
      plugin,
      channel.options,
    );
    if (!options.ok) {
      throw new ConnectorSetupError(
        `options of ${brandId}/${channelKey} are invalid: ${options.problems.map((p) => p.message).join('; ')}`,
      );
    }
    const definition = plugin as ConnectorPlugin<unknown>;
    const context = this.contexts.create(
      channel.connector,
      `${brandId}/${channelKey}`,
      this.clock,
      definition.oauth ? await this.credentialsOf(brandId, channelKey) : undefined,
    );
    const connector = await definition.create(context, options.value);
    const shape = checkConnectorShape(definition.capabilities, connector);
    if (shape.problems.length > 0) {
      await connector.close?.().catch(() => undefined);
      throw new ConnectorSetupError(
        `connector "${channel.connector}" of ${brandId}/${channelKey} cannot be used: ${shape.problems.join('; ')}`,
      );
    }
    const pluginId = `${definition.name}@${definition.version}`;
    if (shape.warnings.length > 0 && !this.warned.has(pluginId)) {
      this.warned.add(pluginId);
      shape.warnings.forEach((warning) => this.logger.warn(`connector "${channel.connector}": ${warning}`));
    }
    return { connector, plugin: definition as ConnectorPlugin, credentialsVersion };
  }

  /** The channel's OAuth tokens, found by the channel row's id (the store's key); none without the factory. */
  private async credentialsOf(brandId: string, channelKey: string): Promise<PluginCredentials | undefined> {
    if (!this.oauthCredentials) {
      return undefined;
    }
    const row = await this.channels.byKey(brandId, channelKey);
    if (!row) {
      throw new ConnectorSetupError(
        `channel ${brandId}/${channelKey} is not in the database yet: start Metronome once so the configuration is synced to the database, then connect it with \`metronome channels connect ${brandId}/${channelKey}\``,
      );
    }
    return this.oauthCredentials.for(row.id, `${brandId}/${channelKey}`);
  }
}
