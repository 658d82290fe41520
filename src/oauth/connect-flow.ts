import { ConfigService } from '../config/config.service';
import { CredentialStore } from '../credentials/credential-store';
import type { OAuthTokens } from '../plugin-sdk';
import { renderOutcome } from './oauth-callback.controller';
import { OAuthAuthorizationRepository } from './oauth-authorization.repository';
import { OAuthConnectService, type AuthorizationOutcome } from './oauth-connect.service';
import { OAuthProviders } from './oauth-providers';
import { LoopbackReceiver } from './loopback-receiver';

/** What `metronome channels connect` needs from the application context. */
export interface ConnectFlowServices {
  connect: OAuthConnectService;
  providers: OAuthProviders;
  authorizations: OAuthAuthorizationRepository;
  store: CredentialStore;
  config: ConfigService;
}

export interface ConnectFlowRequest {
  brandId: string;
  key: string;
  as: string;
  /** Receive the redirect in this process on 127.0.0.1, instead of the server's `<publicUrl>/oauth/callback`. */
  loopback: boolean;
  timeoutMs: number;
  /** How often the pending row is read while the server completes it (publicUrl mode). */
  pollMs?: number;
  /** Where the consent URL and progress go (stdout). */
  print(line: string): void;
}

export class ConnectFlowError extends Error {}

/**
 * `metronome channels connect`: prints the consent URL and waits until the platform's redirect completed the
 * authorization — in this process (loopback) or on the running server (publicUrl: the pending row is polled) —
 * or the timeout. Answers the tokens' visible facts; the caller prints the account and expiry, never a token.
 */
export async function runConnectFlow(
  services: ConnectFlowServices,
  request: ConnectFlowRequest,
): Promise<{ label: string; platform: string; tokens: OAuthTokens; renewable: boolean }> {
  // Refuses a channel without OAuth (its static credentials are used) before anything is written.
  const target = await services.providers.byKey(request.brandId, request.key);
  const publicUrl = services.config.loaded.config.organisation.publicUrl;
  const loopback = request.loopback || !publicUrl;
  const receiver = new LoopbackReceiver();
  let state = '';
  let settle!: (outcome: AuthorizationOutcome) => void;
  const received = new Promise<AuthorizationOutcome>((resolve) => (settle = resolve));
  try {
    const redirectUri = loopback
      ? await receiver.start(async (query) => {
          const outcome = await services.connect.complete({
            state: query.state,
            code: query.code,
            error: query.error,
            errorDescription: query.error_description,
          });
          // A stray request (another tab, an old link) does not end the wait for ours.
          if (query.state === state) {
            settle(outcome);
          }
          return renderOutcome(outcome);
        })
      : `${publicUrl.replace(/\/+$/, '')}/oauth/callback`;
    const started = await services.connect.start(request.brandId, request.key, {
      redirectUri,
      requestedBy: request.as,
    });
    state = started.state;
    if (!request.loopback && loopback) {
      request.print('organisation.publicUrl is not set: receiving the redirect on this machine (loopback)');
    }
    request.print(
      `Open this link and allow access at ${started.platform} (valid 10 minutes):\n\n  ${started.url}\n`,
    );
    request.print(
      loopback
        ? `waiting for ${started.platform} to redirect to ${redirectUri} (the browser must run on this machine)…`
        : `waiting for ${started.platform} to redirect to ${redirectUri} (the Metronome server completes it)…`,
    );
    const outcome = await withTimeout(
      loopback ? received : pollUntilCompleted(services, state, request.pollMs ?? 1000),
      request.timeoutMs,
      `no answer from ${started.platform} within ${Math.round(request.timeoutMs / 1000)} s: run \`metronome channels connect ${target.label}\` again (and open the link within its time)`,
    );
    if (!outcome.ok) {
      throw new ConnectFlowError(outcome.message);
    }
    return {
      label: outcome.label,
      platform: outcome.platform,
      tokens: outcome.tokens,
      // Instagram and Threads renew the access token itself (their provider's refresh), others a refresh token.
      renewable: typeof target.provider.refresh === 'function' || outcome.tokens.refreshToken !== undefined,
    };
  } finally {
    await receiver.close();
  }
}

/** publicUrl mode: the server's /oauth/callback completes the row; its tokens are then in the store. */
async function pollUntilCompleted(
  services: ConnectFlowServices,
  state: string,
  pollMs: number,
): Promise<AuthorizationOutcome> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const row = await services.authorizations.byState(state);
    if (!row?.completedAt) {
      continue;
    }
    const target = await services.providers.byId(row.channelId);
    if (row.error) {
      return { ok: false, status: 400, label: target.label, message: row.error };
    }
    const held = await services.store.read(row.channelId);
    // Claimed but not saved yet: the exchange is under way on the server.
    if (held && held.connectedAt.getTime() >= row.createdAt.getTime()) {
      return {
        ok: true,
        label: target.label,
        brandName: target.brandName,
        platform: target.provider.platform,
        tokens: held,
      };
    }
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ConnectFlowError(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The line the CLI prints after connecting: the account and the expiry, never a token. */
export function describeConnection(result: {
  label: string;
  platform: string;
  tokens: OAuthTokens;
  renewable?: boolean;
}): string {
  const { tokens } = result;
  const renewable = result.renewable ?? tokens.refreshToken !== undefined;
  const account = Object.entries(tokens.account ?? {})
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  const expiry = tokens.expiresAt
    ? `the access token expires ${tokens.expiresAt.toISOString()}${renewable ? ' (renewed automatically before then)' : ' (it cannot be renewed: reconnect before then; you will be reminded 7 days ahead)'}`
    : 'the access token has no announced expiry';
  return `Connected ${result.label} to ${result.platform}${account ? ` (${account})` : ''}; ${expiry}`;
}
