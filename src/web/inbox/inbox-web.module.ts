import { Module } from '@nestjs/common';
import { ChannelsModule } from '../../channels/channels.module';
import { InboxItemRepository } from '../../inbox/inbox-item.repository';
import { InboxModule } from '../../inbox/inbox.module';
import { WebCoreModule } from '../web-core.module';
import { InboxPageController } from './inbox-page.controller';

/** The Inbox screen. InboxItemRepository is read here only to find an item's brand before an action. */
@Module({
  imports: [WebCoreModule, InboxModule, ChannelsModule],
  providers: [InboxItemRepository],
  controllers: [InboxPageController],
})
export class InboxWebModule {}
