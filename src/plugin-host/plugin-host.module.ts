import { Global, Module } from '@nestjs/common';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import { PluginContextFactory } from './plugin-context.factory';

/**
 * Gives features what they need to instantiate plugins: the context factory (state, HTTP, webhooks,
 * logger, clock), and the webhook client core features send through.
 */
@Global()
@Module({
  providers: [PluginContextFactory, WebhookTargets],
  exports: [PluginContextFactory, WebhookTargets],
})
export class PluginHostModule {}
