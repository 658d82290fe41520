import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CHANNEL_SLOTS, type ChannelSlotPool } from './channel-slots';
import { PUBLISH_DISPATCH, type PublishDispatch } from './publish-dispatch';

/** The worker role's publishing: starts the dispatch its queue driver calls for, stops it on shutdown. */
@Injectable()
export class PublishWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(PUBLISH_DISPATCH) private readonly dispatch: PublishDispatch,
    @Inject(CHANNEL_SLOTS) private readonly slots: ChannelSlotPool,
  ) {}

  onApplicationBootstrap(): void {
    this.dispatch.start();
  }

  // Before the queues and the database close.
  async beforeApplicationShutdown(): Promise<void> {
    await this.dispatch.stop();
    // Once nothing is sending: gives the channel slots this worker holds in Redis back to the cluster.
    await this.slots.close?.();
  }
}
