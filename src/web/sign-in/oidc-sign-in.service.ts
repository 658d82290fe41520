import { Injectable, Logger } from '@nestjs/common';
import type { Configuration } from 'openid-client';
import { ConfigService } from '../../config/config.service';
import type { OidcConfig } from '../../config/schema/web.schema';
import { safeNextPath, webBaseUrl } from '../web-base-url';
import { WebLinkService } from '../session/web-link.service';
import { EmailSignIn } from './email-sign-in.service';

/** The one-time link that keeps an OIDC attempt's PKCE verifier and nonce server-side, keyed by `state`. */
export const OIDC_PURPOSE = 'oidc';
/** How long a person has at the provider before the attempt is forgotten. */
const ATTEMPT_LIFETIME_MS = 10 * 60_000;

interface Attempt {
  verifier: string;
  nonce: string;
  next: string;
}

export type OidcOutcome =
  { outcome: 'ok'; person: string; next: string } | { outcome: 'refused'; problem: string };

type OpenIdClient = typeof import('openid-client');

/** openid-client 6 is ESM only: loaded on first use (a real `import()` in the CommonJS build). */
function loadOpenIdClient(): Promise<OpenIdClient> {
  return import('openid-client');
}

/**
 * Sign-in through the organisation's OpenID Connect provider (`web.oidc`): authorization code with PKCE
 * (S256), state and nonce. The verifier and nonce stay on the server, in a one-time web link whose token is
 * the `state` (single use, 10 minutes). The provider's verified e-mail (`email_verified` not false) must be
 * exactly one person's `people.<id>.email`.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OidcSignIn');
  private discovered?: { key: string; config: Promise<Configuration> };

  constructor(
    private readonly config: ConfigService,
    private readonly links: WebLinkService,
    private readonly email: EmailSignIn,
  ) {}

  get settings(): OidcConfig | undefined {
    return this.config.loaded.config.web.oidc;
  }

  redirectUri(): string {
    return `${webBaseUrl(this.config.loaded.config)}/sign-in/oidc/callback`;
  }

  /** The provider's authorization URL for a new attempt, and its state (also set in a cookie by the caller). */
  async start(next: string): Promise<{ url: string; state: string }> {
    const { lib, config, oidc } = await this.client();
    const verifier = lib.randomPKCECodeVerifier();
    const nonce = lib.randomNonce();
    const attempt: Attempt = { verifier, nonce, next: safeNextPath(next) };
    const state = await this.links.issue({
      person: '',
      purpose: OIDC_PURPOSE,
      detail: JSON.stringify(attempt),
      lifetimeMs: ATTEMPT_LIFETIME_MS,
    });
    const url = lib.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: oidc.scopes.join(' '),
      code_challenge: await lib.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /** Verifies the provider's answer (`query`: the callback's query string) and finds the person. */
  async finish(state: string, query: string): Promise<OidcOutcome> {
    const claimed = await this.links.claim(state, OIDC_PURPOSE);
    if (claimed.outcome !== 'ok' || !claimed.link.detail) {
      return {
        outcome: 'refused',
        problem: 'This sign-in attempt has expired or was already used. Start again below.',
      };
    }
    const attempt = JSON.parse(claimed.link.detail) as Attempt;
    const { lib, config } = await this.client();
    let email: unknown;
    let verified: unknown;
    try {
      const tokens = await lib.authorizationCodeGrant(config, new URL(`${this.redirectUri()}?${query}`), {
        pkceCodeVerifier: attempt.verifier,
        expectedState: state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      email = claims?.email;
      verified = claims?.email_verified;
      if (email === undefined && claims) {
        const info = await lib.fetchUserInfo(config, tokens.access_token, claims.sub);
        email = info.email;
        verified = info.email_verified;
      }
    } catch (error) {
      this.logger.warn(`OIDC sign-in refused: ${error instanceof Error ? error.message : String(error)}`);
      return {
        outcome: 'refused',
        problem: 'The sign-in provider’s answer could not be verified. Start again below.',
      };
    }
    if (typeof email !== 'string' || email.length === 0) {
      return {
        outcome: 'refused',
        problem: 'The sign-in provider did not share your e-mail address, so you cannot be recognised here.',
      };
    }
    if (verified === false) {
      return {
        outcome: 'refused',
        problem:
          'The sign-in provider says your e-mail address is not verified. Verify it there, then start again.',
      };
    }
    const person = this.email.personWith(email);
    if (!person) {
      return {
        outcome: 'refused',
        problem: `No one here signs in as ${email}. Ask an administrator to add this address to your entry under people.`,
      };
    }
    return { outcome: 'ok', person, next: attempt.next };
  }

  private async client(): Promise<{ lib: OpenIdClient; config: Configuration; oidc: OidcConfig }> {
    const oidc = this.settings;
    if (!oidc) {
      throw new Error('web.oidc is not configured');
    }
    const lib = await loadOpenIdClient();
    const key = JSON.stringify(oidc);
    if (this.discovered?.key !== key) {
      const issuer = new URL(oidc.issuer);
      const loopback =
        issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      const discovery = lib.discovery(
        issuer,
        oidc.clientId,
        oidc.clientSecret ? { client_secret: oidc.clientSecret } : undefined,
        oidc.clientSecret ? undefined : lib.None(),
        // Plain HTTP only for a provider on this machine (tests, development).
        loopback ? { execute: [lib.allowInsecureRequests] } : undefined,
      );
      // A failed discovery is not kept: the next attempt tries again.
      discovery.catch(() => {
        if (this.discovered?.config === discovery) {
          this.discovered = undefined;
        }
      });
      this.discovered = { key, config: discovery };
    }
    return { lib, config: await this.discovered.config, oidc };
  }
}
