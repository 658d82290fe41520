import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ChannelEntity } from './channel.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { TransactionContext } from '../persistence/transaction-context';

/**
 * The `channels` table as the channels feature changes it: status (refused credentials, reconnect) and the
 * credentials version. Rows are created by the config sync (`ConfigRevisionRepository`). Every method works in
 * the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class ChannelRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** The channels of one brand, of some brands, or (no filter) of all, by brand then key. */
  list(filter: { brand?: string; brands?: readonly string[] } = {}): Promise<ChannelEntity[]> {
    return this.channels().find({
      where: filter.brand
        ? { brandId: filter.brand }
        : filter.brands
          ? { brandId: In([...filter.brands]) }
          : {},
      order: { brandId: 'ASC', key: 'ASC' },
    });
  }

  byId(id: string): Promise<ChannelEntity | null> {
    return this.channels().findOneBy({ id });
  }

  byKey(brandId: string, key: string): Promise<ChannelEntity | null> {
    return this.channels().findOneBy({ brandId, key });
  }

  /** The channel's credentials version, 0 for a channel not synced yet. */
  async credentialsVersion(brandId: string, key: string): Promise<number> {
    const row = await this.channels().findOne({
      select: { credentialsVersion: true },
      where: { brandId, key },
    });
    return row?.credentialsVersion ?? 0;
  }

  /**
   * Marks an active channel `needs_reconnect`, if its credentials are still at `credentialsVersion`. False when
   * nothing changed (already marked, or renewed since).
   */
  async markNeedsReconnect(id: string, credentialsVersion: number, at: Date): Promise<boolean> {
    const moved = await this.channels().update(
      { id, status: 'active', credentialsVersion },
      { status: 'needs_reconnect', updatedAt: at },
    );
    return Boolean(moved.affected);
  }

  /** A channel marked `needs_reconnect` is active again, with its credentials version one up. */
  async reactivate(id: string, at: Date): Promise<void> {
    await this.channels().update(
      { id, status: 'needs_reconnect' },
      { status: 'active', credentialsVersion: () => '"credentials_version" + 1', updatedAt: at },
    );
  }

  /**
   * The channel's credentials were replaced (an OAuth connect or refresh): every process rebuilds its connector
   * instance for the channel before its next send (see ConnectorInstances).
   */
  async bumpCredentialsVersion(id: string, at: Date): Promise<void> {
    await this.channels().update(
      { id },
      { credentialsVersion: () => '"credentials_version" + 1', updatedAt: at },
    );
  }

  /** How many of the channel's variants wait, scheduled, to go out. */
  waitingVariants(channelId: string): Promise<number> {
    return this.transactions.manager
      .getRepository(PostVariantEntity)
      .countBy({ channelId, state: 'scheduled' });
  }

  private channels() {
    return this.transactions.manager.getRepository(ChannelEntity);
  }
}
