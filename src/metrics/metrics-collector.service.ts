import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { TransactionalEvents } from '../events/transactional-events';
import { ChannelEntity } from '../channels/channel.entity';
import type { ChannelMetrics } from '../plugin-sdk';
import { ConnectorInstances } from '../channels/connector-instances';
import { collectionDays, todayIn } from './collection-days';
import { MetricCollectionRepository, type SnapshotRow } from './metric-collection.repository';
import { channelFigures, flattenMetrics } from './metric-names';
import { InvalidError } from '../errors/domain.error';

export interface CollectOptions {
  /** Only this brand. */
  brand?: string;
  /** Only this day (YYYY-MM-DD, brand time zone), collected again even if it was collected before. */
  day?: string;
}

export interface CollectionFailure {
  brand: string;
  channel: string;
  day: string;
  error: string;
}

export interface CollectionSummary {
  /** (channel, day) pairs fetched and stored. */
  collected: Array<{ brand: string; channel: string; day: string; posts: number }>;
  failed: CollectionFailure[];
  /** Channels skipped because their platform failed less than an hour ago. */
  waiting: Array<{ brand: string; channel: string }>;
  /** Channels not asked at all, with the reason (a connector without metrics, a disabled channel). */
  skipped: Array<{ brand: string; channel: string; reason: string }>;
  /** Channels whose days are all collected already. */
  upToDate: Array<{ brand: string; channel: string }>;
}

/**
 * Daily metrics from every channel whose connector declares `metrics`: one channel-level snapshot per day
 * and one per published post variant the platform reports on, for yesterday in the brand's time zone and
 * any of the days before it (up to a week) that were missed. One failing channel is recorded and logged;
 * the others go on. Each stored day emits `metrics.collected` after it commits.
 */
@Injectable()
export class MetricsCollector {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly config: ConfigService,
    private readonly connectors: ConnectorInstances,
    private readonly collections: MetricCollectionRepository,
    private readonly events: TransactionalEvents,
  ) {}

  async collect(now: Date, options: CollectOptions = {}): Promise<CollectionSummary> {
    const { config, plugins } = this.config.loaded;
    if (options.brand && !config.brands[options.brand]) {
      throw new InvalidError(
        `unknown brand "${options.brand}" (brands: ${Object.keys(config.brands).join(', ') || 'none'})`,
      );
    }
    const summary: CollectionSummary = { collected: [], failed: [], waiting: [], skipped: [], upToDate: [] };
    for (const [brandId, brand] of Object.entries(config.brands)) {
      if (options.brand && options.brand !== brandId) {
        continue;
      }
      const days = options.day
        ? [this.checkDay(options.day, brand.timezone, now)]
        : collectionDays(brand.timezone, now);
      for (const [channelKey, channel] of Object.entries(brand.channels)) {
        const skip = (reason: string) =>
          summary.skipped.push({ brand: brandId, channel: channelKey, reason });
        if (!channel.enabled) {
          skip('disabled in the config');
          continue;
        }
        if (!plugins.find('connector', channel.connector)?.capabilities.metrics) {
          skip(`its connector "${channel.connector}" cannot report metrics`);
          continue;
        }
        const row = await this.collections.channel(brandId, channelKey);
        if (!row) {
          // The config mirror has not written this channel yet; the next tick will.
          skip('not in the database yet (the config is not synced)');
          continue;
        }
        if (!options.day && (await this.collections.failedRecently(row.id, now))) {
          // Its platform failed less than an hour ago: every day waits for the retry.
          summary.waiting.push({ brand: brandId, channel: channelKey });
          continue;
        }
        let claimed = 0;
        for (const day of days) {
          if (!(await this.collections.claim(row.id, day, now, options.day !== undefined))) {
            continue;
          }
          claimed++;
          try {
            const posts = await this.collectDay(brandId, channelKey, row, day, now);
            summary.collected.push({ brand: brandId, channel: channelKey, day, posts });
          } catch (error) {
            const message = (error as Error).message;
            await this.collections.fail(row.id, day, message, now);
            summary.failed.push({ brand: brandId, channel: channelKey, day, error: message });
            this.logger.warn(`metrics ${brandId}/${channelKey} ${day}: ${message}`);
            break; // the platform is failing: the older days wait for the retry too
          }
        }
        if (claimed === 0) {
          summary.upToDate.push({ brand: brandId, channel: channelKey });
        }
      }
    }
    if (summary.collected.length + summary.failed.length > 0) {
      this.logger.log(
        `metrics: ${summary.collected.length} channel-day(s) collected, ${summary.failed.length} failed`,
      );
    }
    return summary;
  }

  private async collectDay(
    brandId: string,
    channelKey: string,
    channel: ChannelEntity,
    day: string,
    now: Date,
  ): Promise<number> {
    const { connector } = await this.connectors.get(brandId, channelKey);
    if (!connector.fetchMetrics) {
      throw new Error(`connector "${channel.connector}" declares metrics but has no fetchMetrics()`);
    }
    const metrics = await connector.fetchMetrics(day);
    const rows = [
      { postVariantId: null, metrics: channelFigures(metrics) },
      ...(await this.postRows(channel.id, metrics)),
    ];
    await this.events.run(async () => {
      await this.collections.store(channel.id, day, rows, now);
      this.events.record({
        type: 'metrics.collected',
        brandId,
        subject: { type: 'channel', id: channel.id },
        at: now,
        data: { day, ...rows[0].metrics },
      });
    });
    return rows.length - 1;
  }

  /** The platform's per-post figures, for the posts Metronome published on this channel. */
  private async postRows(channelId: string, metrics: ChannelMetrics): Promise<SnapshotRow[]> {
    const posts = metrics.posts ?? [];
    const byRemoteId = await this.collections.variantIdsByRemoteId(
      channelId,
      posts.map((post) => post.remoteId),
    );
    return posts.flatMap((post) => {
      const postVariantId = byRemoteId.get(post.remoteId);
      return postVariantId ? [{ postVariantId, metrics: flattenMetrics(post) }] : [];
    });
  }

  private checkDay(day: string, zone: string, now: Date): string {
    if (!/^\d{4}-\d\d-\d\d$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      throw new InvalidError(`--day ${day}: write a date as YYYY-MM-DD, e.g. 2026-10-31`);
    }
    if (day >= todayIn(zone, now)) {
      throw new InvalidError(
        `--day ${day}: that day has not ended yet in ${zone}; collect ${collectionDays(zone, now, 1)[0]} or earlier`,
      );
    }
    return day;
  }
}
