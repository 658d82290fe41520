import { Injectable, Logger, Optional } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { logRoundFailure } from '../app/dependency-outage.log';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import { CredentialStore, TokenRefresher, type CredentialExpiry } from '../credentials/credential-store';
import { ownerOnlyPolicy } from '../escalations/escalation-policy.snapshot';
import { IncidentService } from '../escalations/incident.service';
import { ChannelRepository } from '../channels/channel.repository';
import { OAuthProviders } from './oauth-providers';

export const CREDENTIALS_EXPIRY_RULE = 'channel-credentials-expiry';
/** Tokens are renewed this long before they expire at the least (and at 10% of their lifetime at the most). */
export const RENEW_AHEAD_MS = 10 * 60_000;
/** Tokens that cannot be renewed are announced this long before they expire. */
export const WARN_AHEAD_MS = 7 * 24 * 3600_000;

/** What one round did, for the tests and the log. */
export interface RenewalRound {
  renewed: string[];
  failed: string[];
  warned: string[];
}

/**
 * The scheduler role renews OAuth tokens before they expire, every minute: renewable tokens within
 * max(10 min, 10% of their lifetime) of their end go through the TokenRefresher (one refresh per channel across the
 * cluster, by its lease). Tokens that cannot be renewed (no refresh token, or a refresh token that itself expires,
 * like LinkedIn's 365 days) raise one incident to the brand owner 7 days before the end; connecting again resolves
 * it (OAuthConnectService).
 */
@Injectable()
export class TokenRenewalJob {
  private readonly logger = new Logger('TokenRenewal');
  private running = false;

  constructor(
    private readonly store: CredentialStore,
    private readonly refresher: TokenRefresher,
    private readonly providers: OAuthProviders,
    private readonly channels: ChannelRepository,
    private readonly config: ConfigService,
    private readonly clock: Clock,
    @Optional() private readonly incidents?: IncidentService,
  ) {}

  @Interval('oauth-token-renewal', 60_000)
  async tick(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      await this.run(this.clock.now());
    } catch (error) {
      logRoundFailure(this.logger, 'OAuth token renewal', error);
    } finally {
      this.running = false;
    }
  }

  async run(now: Date): Promise<RenewalRound> {
    const round: RenewalRound = { renewed: [], failed: [], warned: [] };
    for (const stored of await this.store.expiries()) {
      // The store knows whether a refresh token is held; Instagram and Threads renew the access token itself.
      const expiry = {
        ...stored,
        renewable: stored.renewable || (await this.renewsItself(stored.channelId)),
      };
      if (
        expiry.renewable &&
        expiry.expiresAt &&
        (await this.renewDue(expiry, now)) &&
        // A channel waiting for a reconnect was refused for good: asking again every minute cannot help.
        (await this.channels.byId(expiry.channelId))?.status === 'active'
      ) {
        const renewed = await this.refresher.refresh(expiry.channelId, 'the access token expires soon');
        (renewed ? round.renewed : round.failed).push(expiry.channelId);
      }
      const end = expiry.renewable ? expiry.refreshExpiresAt : expiry.expiresAt;
      if (end && end.getTime() - now.getTime() <= WARN_AHEAD_MS && (await this.warn(expiry, end, now))) {
        round.warned.push(expiry.channelId);
      }
    }
    return round;
  }

  /** Whether the channel's provider renews tokens its own way (no refresh token needed). */
  private renewsItself(channelId: string): Promise<boolean> {
    return this.providers.byId(channelId).then(
      (target) => typeof target.provider.refresh === 'function',
      () => false,
    );
  }

  /** Within max(10 min, 10% of the token's lifetime, counted from its last save) of its end. */
  private async renewDue(expiry: CredentialExpiry, now: Date): Promise<boolean> {
    const left = expiry.expiresAt!.getTime() - now.getTime();
    if (left <= RENEW_AHEAD_MS) {
      return true;
    }
    const held = await this.store.read(expiry.channelId);
    const issuedAt = held?.refreshedAt ?? held?.connectedAt;
    if (!issuedAt) {
      return false;
    }
    const lifetime = expiry.expiresAt!.getTime() - issuedAt.getTime();
    return left <= lifetime * 0.1;
  }

  /** One incident per channel and grant (IncidentService deduplicates while it is unresolved). */
  private async warn(expiry: CredentialExpiry, end: Date, now: Date): Promise<boolean> {
    if (!this.incidents) {
      return false;
    }
    const channel = await this.channels.byId(expiry.channelId);
    const brand = channel ? this.config.loaded.config.brands[channel.brandId] : undefined;
    if (!channel || !brand || channel.status !== 'active') {
      return false;
    }
    const label = `${channel.brandId}/${channel.key}`;
    const platform = await this.providers.byId(channel.id).then(
      (target) => target.provider.platform,
      () => channel.connector,
    );
    const what = expiry.renewable ? 'refresh token' : 'access token';
    const date = end.toISOString().slice(0, 10);
    const { opened } = await this.incidents.open({
      brandId: channel.brandId,
      rule: CREDENTIALS_EXPIRY_RULE,
      subjectKey: `channel:${channel.id}`,
      title: `${brand.name}: the ${platform} ${what} of channel ${channel.key} expires on ${date}`,
      severity: 'warning',
      details: {
        channel: label,
        expiresAt: end.toISOString(),
        why: `${platform} ${what}s cannot be renewed by Metronome; they last a fixed time from consent (LinkedIn: 60 days for access tokens, 365 for refresh tokens)`,
        fix: `reconnect before ${date} with \`metronome channels connect ${label} --as <person>\``,
      },
      policy: ownerOnlyPolicy(brand.owner),
      at: now,
    });
    if (opened) {
      this.logger.warn(
        `${label}: the ${platform} ${what} expires on ${date}; the brand owner was told to reconnect`,
      );
    }
    return opened;
  }
}
