import { createHash, randomUUID } from 'node:crypto';
import type {
  PluginContext,
  PublishAccepted,
  PublishRequest,
  PublishResult,
  PublishStatus,
} from '../../src/plugin-sdk';
import type { IdempotencyMode, SandboxNetwork } from './sandbox-network';

/** What the sandbox suggests as the wait between status checks. */
const CHECK_AFTER_MS = 1000;

/** A post the network accepted and is still "processing" (an Instagram container, a TikTok publish_id). */
interface Container {
  handle: string;
  idempotencyKey: string;
  text: string;
  /** Status calls left before the post becomes visible. */
  checksLeft: number;
  /** Set once the post is visible. */
  remoteId?: string;
}

/**
 * The sandbox's two-step mode (`twoStep: { checks: N }`): publish answers "accepted" with a container handle, and
 * the post becomes visible on the network at the N-th `status(handle)` call. Containers are kept in the plugin's
 * state (`container:<handle>`), so a restarted worker, and a test, sees every container ever created.
 */
export class SandboxContainers {
  constructor(
    private readonly context: PluginContext,
    private readonly network: SandboxNetwork,
    private readonly idempotency: IdempotencyMode,
    private readonly checks: number,
  ) {}

  /** Creates a container; honouring keys, a repeated key gets its container (or its post once visible) back. */
  async create(request: PublishRequest): Promise<PublishAccepted | PublishResult> {
    const key = request.idempotencyKey;
    if (this.idempotency === 'honour') {
      const published = await this.network.lookup(key);
      if (published) {
        return published;
      }
    }
    const handle =
      this.idempotency === 'honour'
        ? `c-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`
        : `c-${randomUUID()}`;
    const container: Container = { handle, idempotencyKey: key, text: request.text, checksLeft: this.checks };
    const existing = await this.context.state.setIfAbsent<Container>(`container:${handle}`, container);
    return { status: 'accepted', handle: (existing ?? container).handle, checkAfterMs: CHECK_AFTER_MS };
  }

  async status(handle: string): Promise<PublishStatus> {
    const stateKey = `container:${handle}`;
    const container = await this.context.state.get<Container>(stateKey);
    if (!container) {
      return { status: 'failed', reason: `no container ${handle} on the sandbox network` };
    }
    if (container.remoteId === undefined && container.checksLeft > 1) {
      await this.context.state.set(stateKey, { ...container, checksLeft: container.checksLeft - 1 });
      return { status: 'finishing', checkAfterMs: CHECK_AFTER_MS };
    }
    const result =
      container.remoteId === undefined
        ? await this.network.publishContainer(handle, {
            idempotencyKey: container.idempotencyKey,
            text: container.text,
            media: [],
            scheduledAt: this.context.clock.now(),
            extra: {},
          })
        : await this.network.lookup(container.idempotencyKey);
    if (!result) {
      return { status: 'failed', reason: `the post of container ${handle} was deleted` };
    }
    await this.context.state.set(stateKey, { ...container, checksLeft: 0, remoteId: result.remoteId });
    return { status: 'published', result };
  }

  /** A container sent with this key and not visible yet (the oldest, if keys are ignored). */
  async unfinished(idempotencyKey: string): Promise<PublishAccepted | undefined> {
    const container = (await this.all()).find(
      (candidate) => candidate.idempotencyKey === idempotencyKey && candidate.remoteId === undefined,
    );
    return container && { status: 'accepted', handle: container.handle, checkAfterMs: CHECK_AFTER_MS };
  }

  /** Every container created, visible or not (tests count them: more than one per key is a duplicate). */
  async all(): Promise<Container[]> {
    return (await this.context.state.list<Container>('container:')).map(({ value }) => value);
  }

  /**
   * Containers whose post is not on the network yet (a post the platform holds too: tests count it). A container
   * whose post was written but whose own update was cut off by a kill is visible, not pending.
   */
  async pending(): Promise<Container[]> {
    const pending: Container[] = [];
    for (const container of await this.all()) {
      if (
        container.remoteId === undefined &&
        !(await this.network.hasPost(this.network.containerPostId(container.handle)))
      ) {
        pending.push(container);
      }
    }
    return pending;
  }
}
