import { Module } from '@nestjs/common';
import { NotificationDispatcherService } from './notification-dispatcher.service';
import { NotificationTemplateRenderer } from './notification-template.renderer';
import { NotifierHealthService } from './notifier-health.service';

/**
 * Notifications: templates, delivery through notifier plugins, and notifier health.
 * Needs ConfigService and PluginContextFactory, which the app provides globally.
 */
@Module({
  providers: [NotificationTemplateRenderer, NotifierHealthService, NotificationDispatcherService],
  exports: [NotificationTemplateRenderer, NotifierHealthService, NotificationDispatcherService],
})
export class NotificationsModule {}
