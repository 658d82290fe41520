import { X_SCOPES, xOAuth } from '../../plugins/x/x-oauth';
import type { XOptions } from '../../plugins/x/x-options.schema';
import type { OAuthTokens, PluginCredentials } from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import type { XApiFake } from '../fakes/x-api.fake';

export { X_SCOPES };

/** Options as the schema completes them, pointing at the fake (or a proxy in front of it). */
export function optionsFor(fake: XApiFake, apiUrl = fake.baseUrl, extra: Partial<XOptions> = {}): XOptions {
  return {
    apiUrl,
    authorizeUrl: fake.authorizeUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    processingWaitMs: 5_000,
    timeoutMs: 2_000,
    ...extra,
  };
}

/**
 * A connected channel's credentials: tokens granted by the fake, renewed through the plugin's own `oauth.refresh`
 * against the fake's token endpoint (as the host's store does), the account found when connecting.
 */
export function connectedCredentials(
  fake: XApiFake,
  options: XOptions,
  scopes = X_SCOPES,
): MemoryCredentials {
  const granted = fake.grant(scopes);
  const tokens: OAuthTokens = { ...granted, scopes, account: { id: fake.userId, username: fake.username } };
  const tools = { options, http: createFetchHttpClient('x'), clock: { now: () => new Date() } };
  return createMemoryCredentials(tokens, (current) => xOAuth.refresh!(current, tools));
}

/** Credentials whose holder is set later (the kit builds the context before it starts the platform). */
export function lateCredentials(): { credentials: PluginCredentials; set(value: MemoryCredentials): void } {
  let held: MemoryCredentials | undefined;
  const get = () => {
    if (!held) {
      throw new Error('x test: credentials used before the platform started');
    }
    return held;
  };
  return {
    credentials: { current: () => get().current(), refresh: () => get().refresh() },
    set: (value) => {
      held = value;
    },
  };
}
