import { Injectable } from '@nestjs/common';
import { METRONOME_VERSION } from '../app/version';
import { Clock, SYSTEM_CLOCK } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import type { PluginHttpResponse, PluginWebhookRequest } from '../plugin-sdk';
import { OutboundWebhookClient } from './outbound-webhook.client';
import { WebhookTargetPolicy } from './webhook-target.policy';

/**
 * The webhook client with the configuration's `network.allowInternalTargets`, re-read after a reload.
 * Rule webhooks, report webhooks and notifier plugins (through their context) all send through it.
 */
@Injectable()
export class WebhookTargets {
  private cached: { allowed: readonly string[]; policy: WebhookTargetPolicy } | undefined;

  /** `clock` defaults to the system's for a hand-built instance (a test); Nest injects the Clock. */
  constructor(
    private readonly config: ConfigService,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  client(who: string): OutboundWebhookClient {
    return new OutboundWebhookClient(
      () => this.policy(),
      `Metronome/${METRONOME_VERSION} (${who})`,
      this.clock,
    );
  }

  post(url: string, request: PluginWebhookRequest): Promise<PluginHttpResponse> {
    return this.client('core').post(url, request);
  }

  private policy(): WebhookTargetPolicy {
    const allowed = this.config.loaded.config.network.allowInternalTargets;
    if (this.cached?.allowed !== allowed) {
      this.cached = { allowed, policy: new WebhookTargetPolicy(allowed) };
    }
    return this.cached.policy;
  }
}
