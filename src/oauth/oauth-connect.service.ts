import { Injectable, Logger, Optional } from '@nestjs/common';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ChannelRepository } from '../channels/channel.repository';
import { Clock } from '../clock/clock';
import { CredentialStore } from '../credentials/credential-store';
import { IncidentService } from '../escalations/incident.service';
import type { OAuthTokens } from '../plugin-sdk';
import { consentUrl } from './consent-url';
import { AUTHORIZATION_LIFETIME_MS, OAuthAuthorizationRepository } from './oauth-authorization.repository';
import { OAuthProviders } from './oauth-providers';
import { createPkcePair, randomState } from './pkce';
import { exchangeCode, tokensFromResponse } from './token-endpoint.client';
import { CREDENTIALS_EXPIRY_RULE } from './token-renewal.job';

/** A consent URL handed to a person, and the state that will bring the platform's answer back to it. */
export interface StartedAuthorization {
  state: string;
  url: string;
  expiresAt: Date;
  platform: string;
}

/** What the callback page and the CLI show: who was connected, never the tokens. */
export type AuthorizationOutcome =
  | { ok: true; label: string; brandName: string; platform: string; tokens: OAuthTokens }
  | { ok: false; status: 400 | 500 | 502; message: string; label?: string };

/**
 * The authorization-code flow (RFC 6749 §4.1 with PKCE, RFC 7636) for one channel: `start` writes the pending
 * authorization and builds the consent URL; `complete` takes the platform's redirect (code or error), exchanges
 * the code once, saves the tokens and brings the channel back (a `needs_reconnect` channel is reconnected: its
 * waiting posts go out, its incident resolves; every process rebuilds its connector instance).
 */
@Injectable()
export class OAuthConnectService {
  private readonly logger = new Logger('OAuthConnect');

  constructor(
    private readonly providers: OAuthProviders,
    private readonly authorizations: OAuthAuthorizationRepository,
    private readonly store: CredentialStore,
    private readonly channels: ChannelRepository,
    private readonly credentials: ChannelCredentials,
    private readonly clock: Clock,
    @Optional() private readonly incidents?: IncidentService,
  ) {}

  async start(
    brandId: string,
    key: string,
    request: { redirectUri: string; requestedBy: string },
  ): Promise<StartedAuthorization> {
    const { channel, provider, tools } = await this.providers.byKey(brandId, key);
    const now = this.clock.now();
    const state = randomState();
    const pkce = provider.pkce ? createPkcePair() : undefined;
    const url = consentUrl(provider, tools.options, {
      redirectUri: request.redirectUri,
      state,
      codeChallenge: pkce?.challenge,
    });
    const expiresAt = new Date(now.getTime() + AUTHORIZATION_LIFETIME_MS);
    await this.authorizations.prune(now);
    await this.authorizations.create({
      state,
      channelId: channel.id,
      redirectUri: request.redirectUri,
      codeVerifier: pkce?.verifier ?? null,
      requestedBy: request.requestedBy,
      createdAt: now,
      expiresAt,
    });
    return { state, url, expiresAt, platform: provider.platform };
  }

  /** The platform's redirect: `code` and `state`, or `error` (RFC 6749 §4.1.2.1) and `state`. */
  async complete(answer: {
    state?: string;
    code?: string;
    error?: string;
    errorDescription?: string;
  }): Promise<AuthorizationOutcome> {
    const now = this.clock.now();
    const again = 'run `metronome channels connect <brand>/<channel>` again for a new link';
    if (!answer.state) {
      return { ok: false, status: 400, message: `this link carries no state: ${again}` };
    }
    const pending = await this.authorizations.byState(answer.state);
    if (!pending) {
      return { ok: false, status: 400, message: `this link is unknown (or was cleaned up): ${again}` };
    }
    const target = await this.providers.byId(pending.channelId);
    const rerun = `run \`metronome channels connect ${target.label}\` again`;
    if (!(await this.authorizations.claim(answer.state, now))) {
      const why = pending.completedAt ? 'was already used' : 'has expired (links last 10 minutes)';
      return { ok: false, status: 400, label: target.label, message: `this link ${why}: ${rerun}` };
    }
    if (answer.error) {
      const description = answer.errorDescription ? ` (${answer.errorDescription.slice(0, 300)})` : '';
      const fix =
        answer.error === 'access_denied'
          ? `consent was declined at ${target.provider.platform}; ${rerun} and allow access`
          : `check the app's redirect URL and scopes at ${target.provider.platform}, then ${rerun}`;
      const message = `${target.provider.platform} answered ${answer.error}${description}: ${fix}`;
      await this.authorizations.fail(answer.state, message, now);
      return { ok: false, status: 400, label: target.label, message };
    }
    if (!answer.code) {
      const message = `${target.provider.platform} sent neither a code nor an error: ${rerun}`;
      await this.authorizations.fail(answer.state, message, now);
      return { ok: false, status: 400, label: target.label, message };
    }
    let tokens: OAuthTokens;
    try {
      const response = await exchangeCode(target.provider, target.tools, {
        code: answer.code,
        redirectUri: pending.redirectUri,
        codeVerifier: pending.codeVerifier ?? undefined,
      });
      tokens = target.provider.complete
        ? await target.provider.complete(response, target.tools)
        : tokensFromResponse(response, now);
    } catch (error) {
      const message = `connecting ${target.label} failed: ${(error as Error).message}; ${rerun}`;
      await this.authorizations.fail(answer.state, message, now);
      this.logger.warn(message);
      return { ok: false, status: 502, label: target.label, message };
    }
    try {
      await this.store.save(pending.channelId, tokens, { actor: pending.requestedBy, at: now });
    } catch (error) {
      // A missing or wrong METRONOME_SECRET_KEY (SecretKeyError): the store's message names the fix.
      const message = `${target.label}: the tokens could not be stored: ${(error as Error).message}; then ${rerun}`;
      await this.authorizations.fail(answer.state, message, now);
      this.logger.error(message);
      return { ok: false, status: 500, label: target.label, message };
    }
    await this.afterConnect(
      target.channel.id,
      target.channel.brandId,
      target.channel.key,
      pending.requestedBy,
    );
    this.logger.log(`${target.label} connected to ${target.provider.platform} by ${pending.requestedBy}`);
    return {
      ok: true,
      label: target.label,
      brandName: target.brandName,
      platform: target.provider.platform,
      tokens,
    };
  }

  /**
   * New tokens are in force: a channel waiting for a reconnect publishes again (ChannelCredentials.reconnect bumps
   * its credentials version); any other channel's version goes up so running workers rebuild their connectors.
   * A warning that the old tokens would expire is resolved.
   */
  private async afterConnect(channelId: string, brandId: string, key: string, by: string): Promise<void> {
    const now = this.clock.now();
    const row = await this.channels.byId(channelId);
    if (row?.status === 'needs_reconnect') {
      await this.credentials.reconnect(brandId, key, by, now);
    } else {
      await this.channels.bumpCredentialsVersion(channelId, now);
    }
    await this.incidents?.resolveCleared(CREDENTIALS_EXPIRY_RULE, `channel:${channelId}`, now);
  }
}
