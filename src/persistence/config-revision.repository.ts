import { Injectable } from '@nestjs/common';
import { Clock, SYSTEM_CLOCK } from '../clock/clock';
import { DataSource, In, IsNull, Not, type EntityManager } from 'typeorm';
import { BrandEntity } from './entities/brand.entity';
import { ChannelEntity } from '../channels/channel.entity';
import { ConfigRevisionEntity } from './entities/config-revision.entity';
import type { JsonObject } from './json-value';

/** A brand as the configuration declares it; plain data so this layer does not depend on the config module. */
export interface BrandSyncInput {
  id: string;
  name: string;
  timezone: string;
  owner: string;
  channels: { key: string; connector: string }[];
}

export interface ConfigSyncResult {
  brands: number;
  channelsCreated: number;
  channelsUpdated: number;
  channelsDisabled: number;
}

@Injectable()
export class ConfigRevisionRepository {
  /** `clock` defaults to the system's for a repository built by hand (a test, a script); Nest injects the Clock. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /** Idempotent by hash: loading the same configuration again returns the first row unchanged. */
  async record(
    hash: string,
    sources: string[],
    summary: JsonObject,
    now: Date = this.clock.now(),
  ): Promise<ConfigRevisionEntity> {
    const revisions = this.dataSource.getRepository(ConfigRevisionEntity);
    // ON CONFLICT DO NOTHING, so two processes loading the same config at once both succeed.
    await revisions
      .createQueryBuilder()
      .insert()
      .values(revisions.create({ hash, sources, summary, loadedAt: now }))
      .orIgnore()
      .execute();
    return revisions.findOneByOrFail({ hash });
  }

  /**
   * Makes brands and channels match the configuration in one transaction. Channels that left the
   * configuration are disabled, never deleted: posts, metrics and inbox items still point at them.
   * Brands are never deleted either.
   */
  async syncBrandsAndChannels(
    revisionId: string,
    brands: BrandSyncInput[],
    now: Date = this.clock.now(),
  ): Promise<ConfigSyncResult> {
    return this.dataSource.transaction(async (manager) => {
      if (brands.length > 0) {
        await manager.getRepository(BrandEntity).upsert(
          brands.map((brand) => ({
            id: brand.id,
            name: brand.name,
            timezone: brand.timezone,
            owner: brand.owner,
            configRevisionId: revisionId,
            updatedAt: now,
          })),
          ['id'],
        );
        // Set once: the upsert above leaves it alone on brands that exist.
        await manager
          .getRepository(BrandEntity)
          .update({ id: In(brands.map((brand) => brand.id)), firstSeenAt: IsNull() }, { firstSeenAt: now });
      }
      const result = await this.syncChannels(manager, revisionId, brands, now);
      return { brands: brands.length, ...result };
    });
  }

  private async syncChannels(
    manager: EntityManager,
    revisionId: string,
    brands: BrandSyncInput[],
    now: Date,
  ): Promise<Omit<ConfigSyncResult, 'brands'>> {
    const channels = manager.getRepository(ChannelEntity);
    const existing = new Map(
      (await channels.find()).map((channel) => [`${channel.brandId}\u0000${channel.key}`, channel]),
    );
    const toSave: ChannelEntity[] = [];
    let channelsCreated = 0;

    for (const brand of brands) {
      for (const declared of brand.channels) {
        const identity = `${brand.id}\u0000${declared.key}`;
        const channel = existing.get(identity);
        existing.delete(identity);
        if (channel === undefined) {
          channelsCreated += 1;
          toSave.push(
            channels.create({
              brandId: brand.id,
              key: declared.key,
              connector: declared.connector,
              status: 'active',
              configRevisionId: revisionId,
              updatedAt: now,
            }),
          );
          continue;
        }
        // needs_reconnect is runtime knowledge about credentials; a reload does not make it untrue.
        const status = channel.status === 'disabled' ? 'active' : channel.status;
        if (
          channel.connector !== declared.connector ||
          channel.status !== status ||
          channel.configRevisionId !== revisionId
        ) {
          toSave.push(
            Object.assign(channel, {
              connector: declared.connector,
              status,
              configRevisionId: revisionId,
              updatedAt: now,
            }),
          );
        }
      }
    }
    await channels.save(toSave);

    // Whatever is left in `existing` is no longer declared.
    const removedIds = [...existing.values()].map((channel) => channel.id);
    const disabled =
      removedIds.length === 0
        ? 0
        : ((
            await channels.update(
              { id: In(removedIds), status: Not('disabled') },
              { status: 'disabled', configRevisionId: revisionId, updatedAt: now },
            )
          ).affected ?? 0);

    return { channelsCreated, channelsUpdated: toSave.length - channelsCreated, channelsDisabled: disabled };
  }
}
