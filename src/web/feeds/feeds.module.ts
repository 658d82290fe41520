import { Module } from '@nestjs/common';
import { ContentModule } from '../../content/content.module';
import { TodayModule } from '../today/today.module';
import { WebCoreModule } from '../web-core.module';
import { CalendarFeedBuilder } from './calendar-feed.builder';
import { CalendarFeedRepository } from './calendar-feed.repository';
import { FeedsController } from './feeds.controller';

/** Calendar feeds: /feeds (the person's secret ICS URLs) and /feeds/<token>.ics (public, for calendar apps). */
@Module({
  imports: [WebCoreModule, ContentModule, TodayModule],
  controllers: [FeedsController],
  providers: [CalendarFeedRepository, CalendarFeedBuilder],
})
export class FeedsModule {}
