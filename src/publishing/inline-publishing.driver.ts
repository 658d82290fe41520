import { ChannelSlots } from './channel-slots';
import { InlinePublishDispatch } from './inline-publish.dispatch';
import type { PublishDispatch } from './publish-dispatch';
import type { DispatchParts, PublishingDriver } from './publishing-driver';
import { InProcessRateBudget } from './rate-budget';

/** Publishing without Redis: budget and slots in this process, each worker claims due variants itself. */
export class InlinePublishingDriver implements PublishingDriver {
  readonly name = 'inline' as const;
  readonly rateBudget = new InProcessRateBudget();
  readonly channelSlots = new ChannelSlots();

  dispatch({ publisher, clock }: DispatchParts): PublishDispatch {
    return new InlinePublishDispatch(publisher, clock);
  }
}
