import { Injectable } from '@nestjs/common';
import { METRONOME_VERSION } from '../app/version';
import type { ChannelEntity } from '../channels/channel.entity';
import { ChannelRepository } from '../channels/channel.repository';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import { NotFoundError, InvalidError } from '../errors/domain.error';
import { channelOptionsPlace } from '../plugin-host/configured-plugin-options';
import { createPluginHttpClient } from '../plugin-host/plugin-http.client';
import type { ConnectorPlugin, OAuthProvider, OAuthTools } from '../plugin-sdk';

/** A channel whose connector authorizes with OAuth 2: its row, its plugin's provider, and the provider's tools. */
export interface OAuthChannel {
  channel: ChannelEntity;
  /** `<brand>/<channel>`, for messages. */
  label: string;
  brandName: string;
  provider: OAuthProvider<unknown>;
  tools: OAuthTools<unknown>;
}

/**
 * Finds a channel's OAuth provider in the configuration in force: the connector plugin's `oauth`, with the
 * channel's validated options (client id and secret from `${env:…}`/`${file:…}`), the host's HTTP client (timeouts,
 * a User-Agent naming the plugin) and clock.
 */
@Injectable()
export class OAuthProviders {
  constructor(
    private readonly config: ConfigService,
    private readonly channels: ChannelRepository,
    private readonly clock: Clock,
  ) {}

  async byKey(brandId: string, key: string): Promise<OAuthChannel> {
    const channel = await this.channels.byKey(brandId, key);
    if (!channel) {
      throw new NotFoundError(
        `no channel ${brandId}/${key} in the database: check \`metronome channels list\`, or run \`metronome plan sync\` after adding it to the config`,
      );
    }
    return this.of(channel);
  }

  async byId(channelId: string): Promise<OAuthChannel> {
    const channel = await this.channels.byId(channelId);
    if (!channel) {
      throw new NotFoundError(`no channel with id ${channelId} (removed from the config since?)`);
    }
    return this.of(channel);
  }

  private async of(channel: ChannelEntity): Promise<OAuthChannel> {
    const label = `${channel.brandId}/${channel.key}`;
    const loaded = this.config.loaded;
    const brand = loaded.config.brands[channel.brandId];
    const configured = brand?.channels[channel.key];
    if (!brand || !configured) {
      throw new NotFoundError(`channel ${label} is not in the configuration any more`);
    }
    const plugin = loaded.plugins.find('connector', configured.connector) as
      ConnectorPlugin<unknown> | undefined;
    if (!plugin) {
      throw new InvalidError(
        `connector plugin "${configured.connector}" of ${label} is not loaded (see \`metronome plugins list\`)`,
      );
    }
    if (!plugin.oauth) {
      throw new InvalidError(
        `${label}: connector "${configured.connector}" does not connect accounts with OAuth; its static credentials in the config's channel options (\`\${env:…}\`/\`\${file:…}\`) are used`,
      );
    }
    const options = await loaded.pluginOptions.of(
      channelOptionsPlace(channel.brandId, channel.key),
      plugin,
      configured.options,
    );
    if (!options.ok) {
      throw new InvalidError(
        `options of ${label} are invalid: ${options.problems.map((problem) => problem.message).join('; ')}`,
      );
    }
    return {
      channel,
      label,
      brandName: brand.name,
      provider: plugin.oauth,
      tools: {
        options: options.value,
        http: createPluginHttpClient(plugin.name, METRONOME_VERSION),
        clock: this.clock,
      },
    };
  }
}
