import { forwardRef, Module } from '@nestjs/common';
import { ChannelsModule } from '../../channels/channels.module';
import { InboxItemRepository } from '../../inbox/inbox-item.repository';
import { InboxModule } from '../../inbox/inbox.module';
import { WebCoreModule } from '../web.module';
import { InboxPageController } from './inbox-page.controller';

/** The Inbox screen (WebCoreModule by forwardRef: web.module.ts imports this file, which imports it back). InboxItemRepository is read here only to find an item's brand before an action. */
@Module({
  imports: [forwardRef(() => WebCoreModule), InboxModule, ChannelsModule],
  providers: [InboxItemRepository],
  controllers: [InboxPageController],
})
export class InboxWebModule {}
