import { Module } from '@nestjs/common';
import { AssetsController } from './assets/assets.controller';
import { SignInController } from './sign-in/sign-in.controller';
import { TodayController } from './today/today.controller';
import { WebCoreModule } from './web-core.module';
import { InboxWebModule } from './inbox/inbox-web.module';
import { IncidentsWebModule } from './incidents/incidents-web.module';

/**
 * The web app at / (api role): sign-in, the screens, the assets. Screens add their module to `imports`.
 */
@Module({
  imports: [
    WebCoreModule,
    // Screens (one line each):
    InboxWebModule,
    IncidentsWebModule,
  ],
  controllers: [SignInController, AssetsController, TodayController],
})
export class WebModule {}
