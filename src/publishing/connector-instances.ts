import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { PluginContextFactory } from '../plugin-host/plugin-context.factory';
import { validatePluginOptions } from '../plugin-host/plugin-options.validator';
import type { Connector, ConnectorPlugin, PluginClock } from '../plugin-sdk';

export class ConnectorSetupError extends Error {}

/** One connector instance per channel, built from the config in force and rebuilt after a reload. */
@Injectable()
export class ConnectorInstances {
  private readonly instances = new Map<string, Promise<{ connector: Connector; plugin: ConnectorPlugin }>>();
  private clock?: PluginClock;

  constructor(
    private readonly config: ConfigService,
    private readonly contexts: PluginContextFactory,
  ) {
    this.config.onReload(() => this.reset());
  }

  /** Tests and benchmarks drive time themselves. */
  useClock(clock: PluginClock): void {
    this.clock = clock;
  }

  get(brandId: string, channelKey: string): Promise<{ connector: Connector; plugin: ConnectorPlugin }> {
    const key = `${brandId}/${channelKey}`;
    let instance = this.instances.get(key);
    if (!instance) {
      instance = this.create(brandId, channelKey);
      instance.catch(() => this.instances.delete(key));
      this.instances.set(key, instance);
    }
    return instance;
  }

  async reset(): Promise<void> {
    const old = [...this.instances.values()];
    this.instances.clear();
    for (const instance of old) {
      await instance.then(({ connector }) => connector.close?.()).catch(() => undefined);
    }
  }

  private async create(
    brandId: string,
    channelKey: string,
  ): Promise<{ connector: Connector; plugin: ConnectorPlugin }> {
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
    const options = await validatePluginOptions(plugin, channel.options);
    if (!options.ok) {
      throw new ConnectorSetupError(
        `options of ${brandId}/${channelKey} are invalid: ${options.problems.map((p) => p.message).join('; ')}`,
      );
    }
    const context = this.contexts.create(channel.connector, `${brandId}/${channelKey}`, this.clock);
    const definition = plugin as ConnectorPlugin<unknown>;
    return {
      connector: await definition.create(context, options.value),
      plugin: definition as ConnectorPlugin,
    };
  }
}
