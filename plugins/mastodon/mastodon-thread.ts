import type { MediaAttachment, PluginStateStore, PublishResult } from '../../src/plugin-sdk';

/**
 * A thread is published as statuses that each reply to the one before (`in_reply_to_id`). Mastodon's own rate
 * limit is 300 statuses in 3 hours per account, so a thread is held to 25 parts.
 */
export const MAX_THREAD_PARTS = 25;
export const THREAD = 'thread:';
const PART = '#part-';

/** Saved before the first part is sent: a retry publishes the same parts, never a new split. */
export interface ThreadPlan {
  parts: string[];
  /** Status ids of the parts published so far, in order: what delete removes. */
  partIds: string[];
}

/** Each part's own idempotency key, derived from the thread's: part 1 is `<key>#part-1`. */
export function partKey(key: string, index: number): string {
  return `${key}${PART}${index + 1}`;
}

export function isThreadPartKey(stateKey: string): boolean {
  return /#part-\d+$/.test(stateKey);
}

/** What the connector does for one status; the thread only orders the parts and chains them. */
export interface StatusSteps {
  publishStatus(
    key: string,
    text: string,
    media: MediaAttachment[],
    inReplyToId: string | undefined,
    extra: Record<string, unknown>,
  ): Promise<PublishResult>;
  lookupStatus(key: string): Promise<PublishResult | undefined>;
  recordPublished(key: string, result: PublishResult): Promise<PublishResult>;
}

/**
 * Exactly once per part: each part goes through the connector's single-status publish under its own key (its own
 * Idempotency-Key, attempt record and reconcile), so a retry after a thread cut short takes the parts that exist
 * and sends only the rest, each replying to the part before. The media go with the first part. The thread's key
 * is recorded as published (its first status) only when every part exists.
 */
export class MastodonThreads {
  constructor(
    private readonly state: PluginStateStore,
    private readonly steps: StatusSteps,
  ) {}

  async publish(key: string, parts: string[], media: MediaAttachment[], extra: Record<string, unknown> = {}) {
    const plan = (await this.state.get<ThreadPlan>(THREAD + key)) ?? { parts, partIds: [] };
    await this.state.set(THREAD + key, plan);
    let first: PublishResult | undefined;
    let parent: string | undefined;
    for (const [index, text] of plan.parts.entries()) {
      const result = await this.steps.publishStatus(
        partKey(key, index),
        text,
        index === 0 ? media : [],
        parent,
        extra,
      );
      if (plan.partIds[index] !== result.remoteId) {
        plan.partIds[index] = result.remoteId;
        await this.state.set(THREAD + key, plan);
      }
      first ??= result;
      parent = result.remoteId;
    }
    return this.steps.recordPublished(key, first as PublishResult);
  }

  /** The thread is published when every part is found (in state or on the server); until then a retry completes it. */
  async lookup(key: string): Promise<PublishResult | undefined> {
    const plan = await this.state.get<ThreadPlan>(THREAD + key);
    if (!plan) {
      return undefined;
    }
    let first: PublishResult | undefined;
    for (const index of plan.parts.keys()) {
      const found = await this.steps.lookupStatus(partKey(key, index));
      if (!found) {
        return undefined;
      }
      first ??= found;
    }
    return first ? this.steps.recordPublished(key, first) : undefined;
  }

  /** The thread whose first status is `remoteId`: its state key and its other parts, last first. */
  async threadOf(remoteId: string): Promise<{ stateKey: string; otherParts: string[] } | undefined> {
    const plans = await this.state.list<ThreadPlan>(THREAD);
    const owned = plans.find(({ value }) => value.partIds[0] === remoteId);
    return owned ? { stateKey: owned.key, otherParts: owned.value.partIds.slice(1).reverse() } : undefined;
  }
}
