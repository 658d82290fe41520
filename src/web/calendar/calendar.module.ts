import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';
import { CalendarController } from './calendar.controller';
import { CalendarPostsRepository } from './calendar-posts.repository';
import { CalendarService } from './calendar.service';

/** The calendar screens: /calendar (all the person's brands) and /brands/:brand/calendar. */
@Module({
  // forwardRef: web.module.ts imports this module too (WebModule), so WebCoreModule is not defined yet here.
  imports: [WebCoreModule],
  controllers: [CalendarController],
  providers: [CalendarService, CalendarPostsRepository],
})
export class CalendarModule {}
