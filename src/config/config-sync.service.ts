import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigRevisionRepository } from '../persistence/config-revision.repository';
import { LoadedConfig, summarizeConfig } from './config.loader';
import { ConfigService } from './config.service';

/**
 * Records each configuration revision and mirrors its brands and channels into the database, so posts,
 * incidents and reports can reference them. Channels removed from the config are disabled, never deleted.
 */
@Injectable()
export class ConfigSyncService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Config');

  constructor(
    private readonly config: ConfigService,
    private readonly revisions: ConfigRevisionRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sync(this.config.loaded);
    this.config.onReload((loaded) => this.sync(loaded));
  }

  async sync(loaded: LoadedConfig): Promise<void> {
    const revision = await this.revisions.record(loaded.revisionHash, loaded.files, {
      summary: summarizeConfig(loaded),
    });
    await this.revisions.syncBrandsAndChannels(
      revision.id,
      Object.entries(loaded.config.brands).map(([id, brand]) => ({
        id,
        name: brand.name,
        timezone: brand.timezone,
        owner: brand.owner,
        channels: Object.entries(brand.channels)
          .filter(([, channel]) => channel.enabled)
          .map(([key, channel]) => ({ key, connector: channel.connector })),
      })),
    );
    this.logger.log(`configuration revision ${loaded.revisionHash.slice(0, 12)} recorded`);
  }
}
