import { Module } from '@nestjs/common';
import { NotificationsModule } from '../../notifications/notifications.module';
import { WebCoreModule } from '../web-core.module';
import { EmailSignIn } from './email-sign-in.service';
import { OidcSignIn } from './oidc-sign-in.service';
import { SignInController } from './sign-in.controller';
import { SignInRateLimit } from './sign-in-rate-limit';

/**
 * Signing in and out: links, e-mailed links, the organisation's OpenID Connect provider. WebCoreModule is
 * imported through forwardRef: web.module.ts imports this file, so it is not yet defined when this one loads.
 */
@Module({
  imports: [WebCoreModule, NotificationsModule],
  controllers: [SignInController],
  providers: [EmailSignIn, SignInRateLimit, OidcSignIn],
})
export class SignInModule {}
