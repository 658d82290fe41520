import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CHANNEL_SLOTS, type ChannelSlotPool } from './channel-slots';
import { PUBLISH_DISPATCH, type PublishDispatch, type ShutdownSummary } from './publish-dispatch';

/** How long sends in flight are awaited when nothing else bounds the stop (app.close() in tests, say). */
const DEFAULT_DRAIN_MS = 15_000;

/** The worker role's publishing: starts the dispatch its queue driver calls for, stops it on shutdown. */
@Injectable()
export class PublishWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private draining?: Promise<ShutdownSummary>;

  constructor(
    @Inject(PUBLISH_DISPATCH) private readonly dispatch: PublishDispatch,
    @Inject(CHANNEL_SLOTS) private readonly slots: ChannelSlotPool,
  ) {}

  onApplicationBootstrap(): void {
    this.dispatch.start();
  }

  /**
   * Stops claiming at once, gives back claims not yet sent, waits for sends in flight until `deadline`
   * (performance.now()); once only, whoever asks first (the SIGTERM handler, or the shutdown hook).
   */
  drain(deadline = performance.now() + DEFAULT_DRAIN_MS): Promise<ShutdownSummary> {
    this.draining ??= this.dispatch.stop(deadline);
    return this.draining;
  }

  // Before the queues and the database close.
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
    // Once nothing is sending: gives the channel slots this worker holds in Redis back to the cluster.
    await this.slots.close?.();
  }
}
