import { Module } from '@nestjs/common';
import { AssetsController } from './assets/assets.controller';
import { WebCoreModule } from './web-core.module';
import { ApprovalsWebModule } from './approvals/approvals.module';
import { CalendarModule } from './calendar/calendar.module';
import { ChannelsWebModule } from './channels/channels-web.module';
import { ComposeModule } from './compose/compose.module';
import { FeedsModule } from './feeds/feeds.module';
import { InboxWebModule } from './inbox/inbox-web.module';
import { IncidentsWebModule } from './incidents/incidents-web.module';
import { PostPageModule } from './post/post.module';
import { ReportsWebModule } from './reports/reports-web.module';
import { SignInModule } from './sign-in/sign-in.module';
import { SystemWebModule } from './system/system-web.module';
import { TodayModule } from './today/today.module';

/**
 * The web app at / (api role): sign-in, the screens, the assets. Screens add their module to `imports`.
 */
@Module({
  imports: [
    WebCoreModule,
    // Screens (one line each):
    ApprovalsWebModule,
    CalendarModule,
    ChannelsWebModule,
    ComposeModule,
    FeedsModule,
    InboxWebModule,
    IncidentsWebModule,
    PostPageModule,
    ReportsWebModule,
    SignInModule,
    SystemWebModule,
    TodayModule,
  ],
  controllers: [AssetsController],
})
export class WebModule {}
