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

  private markFirstSync!: () => void;
  private latest = new Promise<void>((resolve) => (this.markFirstSync = resolve));

  async onApplicationBootstrap(): Promise<void> {
    this.config.onReload((loaded) => this.sync(loaded));
    await this.sync(this.config.loaded);
  }

  /** Resolves once the configuration in force is mirrored in the database (work that joins on brands waits). */
  whenSynced(): Promise<void> {
    return this.latest;
  }

  sync(loaded: LoadedConfig): Promise<void> {
    const run = this.record(loaded);
    this.latest = run;
    void run.then(this.markFirstSync, () => undefined);
    return run;
  }

  private async record(loaded: LoadedConfig): Promise<void> {
    await recordConfigRevision(this.revisions, loaded);
    this.logger.log(`configuration revision ${loaded.revisionHash.slice(0, 12)} recorded`);
  }
}

/** Records the revision and mirrors brands and enabled channels into the database (used by the CLI too). */
export async function recordConfigRevision(
  revisions: ConfigRevisionRepository,
  loaded: LoadedConfig,
): Promise<void> {
  const revision = await revisions.record(loaded.revisionHash, loaded.files, {
    summary: summarizeConfig(loaded),
  });
  await revisions.syncBrandsAndChannels(
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
}
