import { Global, Module } from '@nestjs/common';
import { MEDIA_LINKS_PROVIDER } from '../media/media.module';
import { MediaLinks } from '../media/media-links.service';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import { PluginContextFactory } from './plugin-context.factory';

/**
 * Gives features what they need to instantiate plugins: the context factory (state, HTTP, webhooks, media links,
 * logger, clock), the webhook client core features send through, and the media links the media controller checks.
 */
@Global()
@Module({
  providers: [PluginContextFactory, WebhookTargets, MEDIA_LINKS_PROVIDER],
  exports: [PluginContextFactory, WebhookTargets, MediaLinks],
})
export class PluginHostModule {}
