import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { ConnectorInstances } from '../channels/connector-instances';
import { InboxChannel, InboxIngestor } from './inbox-ingestor.service';
import { InboxItemRepository } from './inbox-item.repository';

/** Items are asked for again from this long before the newest one seen: platforms index late. */
const OVERLAP_MS = 60 * 60_000;

export interface InboxPollReport {
  channels: number;
  stored: number;
  answered: number;
  fired: number;
  failures: Array<{ channel: string; error: string }>;
  /** Channels not read, each with the reason (so "0 channels read" never stands unexplained). */
  skipped: Array<{ channel: string; reason: string }>;
}

/**
 * Asks every channel whose connector has the `inbox` capability for what came in since the newest item
 * it has, and hands each channel's batch to the ingestor. A failing channel is reported, never fatal.
 */
@Injectable()
export class InboxPoller {
  private readonly logger = new Logger('Inbox');

  constructor(
    private readonly items: InboxItemRepository,
    private readonly config: ConfigService,
    private readonly connectors: ConnectorInstances,
    private readonly ingestor: InboxIngestor,
  ) {}

  async poll(now: Date, onlyBrand?: string): Promise<InboxPollReport> {
    const report: InboxPollReport = {
      channels: 0,
      stored: 0,
      answered: 0,
      fired: 0,
      failures: [],
      skipped: [],
    };
    const { config, plugins } = this.config.loaded;
    for (const [brandId, brand] of Object.entries(config.brands)) {
      if (onlyBrand && brandId !== onlyBrand) {
        continue;
      }
      for (const [key, channelConfig] of Object.entries(brand.channels)) {
        const name = `${brandId}/${key}`;
        if (!channelConfig.enabled) {
          report.skipped.push({ channel: name, reason: 'disabled in the config' });
          continue;
        }
        if (!plugins.find('connector', channelConfig.connector)?.capabilities.inbox) {
          report.skipped.push({
            channel: name,
            reason: `its connector "${channelConfig.connector}" cannot read an inbox`,
          });
          continue;
        }
        const row = await this.items.channel(brandId, key);
        if (!row) {
          report.skipped.push({
            channel: name,
            reason: 'not in the database yet (the config is not synced)',
          });
          continue;
        }
        if (row.status !== 'active') {
          report.skipped.push({
            channel: name,
            reason:
              row.status === 'needs_reconnect'
                ? `its credentials were refused: renew them, then \`metronome channels reconnect ${name}\``
                : row.status,
          });
          continue;
        }
        report.channels++;
        const channel: InboxChannel = {
          id: row.id,
          brandId,
          key,
          connector: row.connector,
          status: row.status,
        };
        try {
          const { connector } = await this.connectors.get(brandId, key);
          const items = (await connector.fetchInbox?.(await this.since(row.id))) ?? [];
          const result = await this.ingestor.ingest(channel, items, now);
          report.stored += result.stored;
          report.answered += result.answered;
          report.fired += result.fired;
        } catch (error) {
          const message = (error as Error).message;
          report.failures.push({ channel: `${brandId}/${key}`, error: message });
          this.logger.warn(`inbox of ${brandId}/${key} could not be read: ${message}`);
        }
      }
    }
    if (report.stored + report.answered > 0) {
      this.logger.log(
        `inbox: ${report.stored} new ${report.stored === 1 ? 'item' : 'items'}, ${report.answered} answered, ${report.fired} rule ${report.fired === 1 ? 'firing' : 'firings'} on ${report.channels} ${report.channels === 1 ? 'channel' : 'channels'}`,
      );
    }
    return report;
  }

  private async since(channelId: string): Promise<Date | undefined> {
    const newest = await this.items.newestReceivedAt(channelId);
    return newest ? new Date(newest.getTime() - OVERLAP_MS) : undefined;
  }
}
