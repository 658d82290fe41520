import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ChannelCredentials } from '../channels/channel-credentials';
import { Clock } from '../clock/clock';
import { CredentialStore, TokenRefresher } from '../credentials/credential-store';
import { AuthenticationError, type OAuthTokens } from '../plugin-sdk';
import { OAuthProviders, type OAuthChannel } from './oauth-providers';
import { defaultRefresh, TokenEndpointError } from './token-endpoint.client';

/** How long one refresh may hold the channel's lease: a token endpoint answers in seconds or times out at 15 s. */
export const REFRESH_LEASE_MS = 60_000;
/** How often a process that found the lease taken looks whether the holder saved new tokens. */
const WAIT_POLL_MS = 250;

/** Timing knobs, shorter in tests. */
export interface RefresherTiming {
  leaseMs: number;
  pollMs: number;
}

/**
 * Renews a channel's tokens once across the cluster: the store's refresh lease picks one process; the others
 * wait for the version to move (bounded by the lease) instead of spending the refresh token a second time — a
 * rotating refresh token (RFC 6749 §10.4) used twice would revoke the grant at some platforms.
 *
 * A permanent refusal (invalid_grant, the provider's needsReconnect) marks the channel `needs_reconnect` with
 * the platform's reason and the exact next step, one incident (ChannelCredentials.refused). A transient failure
 * answers false and is logged once per channel until a refresh succeeds again.
 */
@Injectable()
export class OAuthRefresher extends TokenRefresher {
  private readonly logger = new Logger('OAuthRefresher');
  /** Refreshes under way in this process, per channel: a second caller joins the first. */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  /** Channels whose last refresh failed transiently and was logged: logged again only after a success. */
  private readonly failing = new Set<string>();
  timing: RefresherTiming = { leaseMs: REFRESH_LEASE_MS, pollMs: WAIT_POLL_MS };

  constructor(
    private readonly store: CredentialStore,
    private readonly providers: OAuthProviders,
    private readonly credentials: ChannelCredentials,
    private readonly clock: Clock,
  ) {
    super();
  }

  refresh(channelId: string, reason: string): Promise<boolean> {
    let running = this.inFlight.get(channelId);
    if (!running) {
      running = this.refreshOnce(channelId, reason).finally(() => this.inFlight.delete(channelId));
      this.inFlight.set(channelId, running);
    }
    return running;
  }

  private async refreshOnce(channelId: string, reason: string): Promise<boolean> {
    // The lease's owner: this process and this refresh.
    const owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
    const before = await this.store.read(channelId);
    if (!before) {
      return false;
    }
    const now = this.clock.now();
    if (
      !(await this.store.claimRefresh(channelId, owner, now, new Date(now.getTime() + this.timing.leaseMs)))
    ) {
      return this.waitForOther(channelId, before.version);
    }
    try {
      // Re-read under the lease: another process may have saved between our read and our claim.
      const held = await this.store.read(channelId);
      if (!held) {
        return false;
      }
      if (held.version !== before.version) {
        return true;
      }
      return await this.renew(channelId, held, held.version, reason);
    } finally {
      await this.store.releaseRefresh(channelId, owner);
    }
  }

  private async renew(
    channelId: string,
    held: OAuthTokens,
    version: number,
    reason: string,
  ): Promise<boolean> {
    let target: OAuthChannel;
    try {
      target = await this.providers.byId(channelId);
    } catch (error) {
      this.logTransient(channelId, channelId, (error as Error).message);
      return false;
    }
    const { provider, tools, channel, label } = target;
    if (!provider.refresh && !held.refreshToken) {
      // Nothing to renew with: the expiry warning (TokenRenewalJob) tells the owner to reconnect in time.
      return false;
    }
    let renewed: OAuthTokens;
    try {
      renewed = provider.refresh
        ? await provider.refresh(held, tools)
        : await defaultRefresh(provider, held, tools);
    } catch (error) {
      if (isPermanent(error)) {
        const message = `${provider.platform} refused to renew the tokens (${reason}): ${(error as Error).message}; run \`metronome channels connect ${label}\` to connect the account again`;
        await this.credentials.refused(
          channel,
          message,
          this.clock.now(),
          undefined,
          `connect the account again: \`metronome channels connect ${channel.brandId}/${channel.key} --as <person>\` (the platform refused to renew its tokens)`,
        );
        this.failing.delete(channelId);
        return false;
      }
      this.logTransient(channelId, label, `${provider.platform}: ${(error as Error).message}`);
      return false;
    }
    const saved = await this.store.save(channelId, renewed, {
      actor: 'oauth-refresher',
      at: this.clock.now(),
      expectedVersion: version,
    });
    if (this.failing.delete(channelId)) {
      this.logger.log(`${label}: tokens renewed again after earlier failures`);
    }
    // Not saved: another process saved meanwhile (a lease that ran out): its tokens are in force, renewed all the same.
    return saved || (await this.store.read(channelId))?.version !== version;
  }

  /** Another process holds the lease: wait until it saved (true) or its lease ran out (false). */
  private async waitForOther(channelId: string, version: number): Promise<boolean> {
    const deadline = performance.now() + this.timing.leaseMs;
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.timing.pollMs));
      const current = await this.store.read(channelId);
      if (!current) {
        return false;
      }
      if (current.version !== version) {
        return true;
      }
    }
    return false;
  }

  private logTransient(channelId: string, label: string, cause: string): void {
    if (this.failing.has(channelId)) {
      return;
    }
    this.failing.add(channelId);
    this.logger.warn(`${label}: renewing the OAuth tokens failed, will try again: ${cause}`);
  }
}

/** The platform refused for good: invalid_grant and the like, or the provider's own needsReconnect. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof AuthenticationError ||
    (error as Error)?.name === 'AuthenticationError' ||
    (error instanceof TokenEndpointError && error.permanent)
  );
}
