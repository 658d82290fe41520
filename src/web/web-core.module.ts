import { Module } from '@nestjs/common';
import { BrandAccess } from '../access/brand-access';
import { WebViews } from './rendering/web-views';
import { WebLinkService } from './session/web-link.service';
import { WebSessionGuard } from './session/web-session.guard';
import { WebSessionService } from './session/web-session.service';
import { SignInLinks } from './sign-in/sign-in-links';
import { WebExceptionFilter } from './web-exception.filter';

/**
 * The shared parts of the web app: sessions, one-time links, the access model, the views, the guard and
 * the error pages. Each screen is its own module (src/web/<screen>/) importing this one; WebModule imports the screens.
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
