import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { RulesModule } from '../rules/rules.module';
import { InboxController } from './inbox.controller';
import { InboxIngestor } from './inbox-ingestor.service';
import { InboxItemRepository } from './inbox-item.repository';
import { InboxPoller } from './inbox.poller';
import { InboxScheduler } from './inbox.scheduler';
import { InboxService } from './inbox.service';
import { InboxReplies } from './inbox-replies.service';
import { InboxReplyRepository } from './inbox-reply.repository';
import { InboxReplySender } from './inbox-reply.sender';

/** Comments, mentions and messages: ingestion in batches, the inbox rules, answers, replies and the SLA. */
@Module({
  imports: [RulesModule, ChannelsModule],
  providers: [
    InboxItemRepository,
    InboxIngestor,
    InboxPoller,
    InboxService,
    InboxReplyRepository,
    InboxReplySender,
    InboxReplies,
  ],
  exports: [InboxIngestor, InboxPoller, InboxService, InboxReplies, InboxReplySender],
})
export class InboxModule {}

/** The inbox endpoints, served by the api role. */
@Module({ imports: [InboxModule], controllers: [InboxController] })
export class InboxApiModule {}

/** The scheduler role's inbox poll. */
@Module({ imports: [InboxModule], providers: [InboxScheduler] })
export class InboxSchedulerModule {}
