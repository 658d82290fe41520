import type { PluginStateStore, PublishResult } from '../../src/plugin-sdk';

/** A publish TikTok accepted for a key: its publish_id, and for FILE_UPLOAD what resuming the upload needs. */
export interface PublishRecord {
  publishId: string;
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  initAt: string;
  /** FILE_UPLOAD: where the chunks go (valid one hour), the sizes sent in the init. */
  uploadUrl?: string;
  videoSize?: number;
  chunkSize?: number;
  totalChunks?: number;
  /** Chunks TikTok acknowledged. */
  chunksDone?: number;
  /** Every byte is with TikTok (or TikTok pulls it): the post finishes by itself. */
  uploaded: boolean;
  /** The creator's @name, for the post's URL. */
  username?: string;
}

interface StoredResult {
  remoteId: string;
  url?: string;
  publishedAt?: string;
}

/**
 * What the connector remembers in `context.state`, per idempotency key (TikTok has no idempotency keys):
 * `attempt:<key>` (an init is being sent: its answer may be lost), `publish:<key>` (TikTok's publish_id and the
 * upload's progress), `key-of:<publish_id>` (from a handle back to its key), `sent:<key>` (the finished post),
 * `video:<id>` (the account's videos this channel made, for metrics) and `inits` (the last minute's init requests).
 */
export class TikTokLedger {
  constructor(private readonly state: PluginStateStore) {}

  async sent(key: string): Promise<PublishResult | undefined> {
    const stored = await this.state.get<StoredResult>(`sent:${key}`);
    return stored
      ? {
          remoteId: stored.remoteId,
          ...(stored.url ? { url: stored.url } : {}),
          ...(stored.publishedAt ? { publishedAt: new Date(stored.publishedAt) } : {}),
        }
      : undefined;
  }

  async recordSent(key: string, result: PublishResult, videoId?: string): Promise<void> {
    await this.state.set(`sent:${key}`, {
      remoteId: result.remoteId,
      url: result.url,
      publishedAt: result.publishedAt?.toISOString(),
    });
    if (videoId) {
      await this.state.set(`video:${videoId}`, key);
    }
  }

  async record(key: string): Promise<PublishRecord | undefined> {
    return this.state.get<PublishRecord>(`publish:${key}`);
  }

  async saveRecord(key: string, record: PublishRecord): Promise<void> {
    await this.state.set(`key-of:${record.publishId}`, key);
    await this.state.set(`publish:${key}`, record);
  }

  async forgetRecord(key: string): Promise<void> {
    await this.state.delete(`publish:${key}`);
  }

  async keyOf(publishId: string): Promise<string | undefined> {
    return this.state.get<string>(`key-of:${publishId}`);
  }

  async attempt(key: string): Promise<{ at: string; source: PublishRecord['source'] } | undefined> {
    return this.state.get(`attempt:${key}`);
  }

  async startAttempt(key: string, at: Date, source: PublishRecord['source']): Promise<void> {
    await this.state.set(`attempt:${key}`, { at: at.toISOString(), source });
  }

  async endAttempt(key: string): Promise<void> {
    await this.state.delete(`attempt:${key}`);
  }

  async videoIds(): Promise<string[]> {
    const entries = await this.state.list('video:');
    return entries.map((entry) => entry.key.slice('video:'.length));
  }

  /** Init requests of the last minute (epoch ms). */
  async inits(now: Date): Promise<number[]> {
    const held = (await this.state.get<number[]>('inits')) ?? [];
    return held.filter((at) => at > now.getTime() - 60_000);
  }

  async countInit(now: Date): Promise<void> {
    await this.state.set('inits', [...(await this.inits(now)), now.getTime()]);
  }
}
