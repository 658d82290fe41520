import { linkedinOAuth } from '../../plugins/linkedin/linkedin-oauth';
import type { LinkedInOptions } from '../../plugins/linkedin/linkedin-options.schema';
import type { OAuthTokens, PluginCredentials } from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import type { LinkedInApiFake } from '../fakes/linkedin-api.fake';

/** Every scope a Page channel asks for (what `metronome channels connect` would be granted). */
export const PAGE_CHANNEL_SCOPES = [
  'openid',
  'profile',
  'w_member_social',
  'w_organization_social',
  'r_organization_social',
  'rw_organization_admin',
];

/** Options as the schema completes them, pointing at the fake (or a proxy in front of its API). */
export function optionsFor(
  fake: LinkedInApiFake,
  apiUrl = fake.baseUrl,
  extra: Partial<LinkedInOptions> = {},
): LinkedInOptions {
  return {
    apiUrl,
    oauthUrl: fake.baseUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    pages: true,
    visibility: 'PUBLIC',
    timeoutMs: 2_000,
    ...extra,
  };
}

/**
 * A connected channel's credentials: tokens granted by the fake, renewed through the plugin's own
 * `oauth.refresh` against the fake's token endpoint (as the host's store does).
 */
export function connectedCredentials(
  fake: LinkedInApiFake,
  options: LinkedInOptions,
  scopes = PAGE_CHANNEL_SCOPES,
): MemoryCredentials {
  const granted = fake.grant(scopes);
  const tokens: OAuthTokens = {
    ...granted,
    scopes,
    account: {
      member: fake.memberUrn,
      organization: fake.organizationUrn,
      organizations: fake.organizationUrn,
    },
  };
  const tools = { options, http: createFetchHttpClient('linkedin'), clock: { now: () => new Date() } };
  return createMemoryCredentials(tokens, (current) => linkedinOAuth.refresh!(current, tools));
}

/** Credentials whose holder is set later (the kit builds the context before it starts the platform). */
export function lateCredentials(): { credentials: PluginCredentials; set(value: MemoryCredentials): void } {
  let held: MemoryCredentials | undefined;
  const get = () => {
    if (!held) {
      throw new Error('linkedin test: credentials used before the platform started');
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
