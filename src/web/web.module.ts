import { Module } from '@nestjs/common';
import { BrandAccess } from '../access/brand-access';
import { AssetsController } from './assets/assets.controller';
import { WebViews } from './rendering/web-views';
import { WebLinkService } from './session/web-link.service';
import { WebSessionGuard } from './session/web-session.guard';
import { WebSessionService } from './session/web-session.service';
import { SignInLinks } from './sign-in/sign-in-links';
import { SignInModule } from './sign-in/sign-in.module';
import { TodayController } from './today/today.controller';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * The shared parts of the web app: sessions, one-time links, the access model, the views, the guard and
 * the error pages. Each screen is its own module importing this one.
 */
@Module({
  providers: [
    BrandAccess,
    WebViews,
    WebSessionService,
    WebLinkService,
    WebSessionGuard,
    WebExceptionFilter,
    SignInLinks,
  ],
  exports: [
    BrandAccess,
    WebViews,
    WebSessionService,
    WebLinkService,
    WebSessionGuard,
    WebExceptionFilter,
    SignInLinks,
  ],
})
export class WebCoreModule {}

/**
 * The web app at / (api role): sign-in, the screens, the assets. Screens add their module to `imports`.
 */
@Module({
  imports: [
    WebCoreModule,
    // Screens (one line each):
    SignInModule,
  ],
  controllers: [AssetsController, TodayController],
})
export class WebModule {}
