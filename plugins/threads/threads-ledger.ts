import type { PluginStateStore, PublishResult } from '../../src/plugin-sdk';

/** A container this channel created for a key: what finding its post again needs. */
export interface ContainerRecord {
  containerId: string;
  kind: 'post' | 'reply';
  /** The text sent, to recognise the post among the account's recent ones when publish's answer was lost. */
  text: string;
  createdAt: string;
}

interface StoredResult {
  remoteId: string;
  url?: string;
  publishedAt?: string;
}

/**
 * What the connector remembers in `context.state`, per idempotency key. Threads has no idempotency keys, so these
 * records are the key: `creating:<key>` (a container was asked for; its answer may be lost), `container:<key>` (the
 * container's id: never created twice), `key-of:<container>` (from a handle back to its key), `sent:<key>` (the
 * published post: never published twice) and `claimed:<post id>` (a post found by text belongs to one key only).
 */
export class ThreadsLedger {
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

  async recordSent(key: string, result: PublishResult): Promise<void> {
    await this.state.setIfAbsent(`claimed:${result.remoteId}`, key);
    await this.state.set(`sent:${key}`, {
      remoteId: result.remoteId,
      url: result.url,
      publishedAt: result.publishedAt?.toISOString(),
    });
  }

  async container(key: string): Promise<ContainerRecord | undefined> {
    return this.state.get<ContainerRecord>(`container:${key}`);
  }

  async keyOf(containerId: string): Promise<string | undefined> {
    return this.state.get<string>(`key-of:${containerId}`);
  }

  /** Marks that a container is being asked for; answers when an earlier attempt did the same. */
  async startCreating(key: string, at: Date): Promise<string | undefined> {
    const earlier = await this.state.setIfAbsent<string>(`creating:${key}`, at.toISOString());
    if (earlier !== undefined) {
      await this.state.set(`creating:${key}`, at.toISOString());
    }
    return earlier;
  }

  /** The container request was answered with a refusal: nothing was created, nothing to warn about later. */
  async nothingCreated(key: string): Promise<void> {
    await this.state.delete(`creating:${key}`);
  }

  async recordContainer(key: string, record: ContainerRecord): Promise<void> {
    await this.state.set(`key-of:${record.containerId}`, key);
    await this.state.set(`container:${key}`, record);
  }

  /** Claims a post found by its text for this key; false when another key already owns it. */
  async claim(remoteId: string, key: string): Promise<boolean> {
    const owner = await this.state.setIfAbsent(`claimed:${remoteId}`, key);
    return owner === undefined || owner === key;
  }
}
