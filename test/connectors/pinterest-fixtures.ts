import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pinterest from '../../plugins/pinterest';
import { pinterestOAuth, PINTEREST_SCOPES } from '../../plugins/pinterest/pinterest-oauth';
import type { PinterestOptions } from '../../plugins/pinterest/pinterest-options.schema';
import { PinterestConnector } from '../../plugins/pinterest/pinterest.connector';
import type { ConnectorPlugin, MediaAttachment, OAuthTokens, PluginCredentials } from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { jpeg, mp4, png } from '../content/media-headers';
import type { PinterestApiFake } from '../fakes/pinterest-api.fake';

export { PINTEREST_SCOPES };

/** Options as the schema completes them, pointing at the fake (or a proxy in front of it). */
export function optionsFor(
  fake: PinterestApiFake,
  apiUrl = fake.apiUrl,
  extra: Partial<PinterestOptions> = {},
): PinterestOptions {
  return {
    board: fake.boardId,
    sandbox: false,
    apiUrl,
    authorizationUrl: `${fake.baseUrl}/oauth/`,
    tokenUrl: fake.tokenUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    images: 'upload',
    timeoutMs: 2_000,
    ...extra,
  };
}

/** A connected channel's credentials, renewed through the plugin's own refresh against the fake (as the host does). */
export function connectedCredentials(
  fake: PinterestApiFake,
  options: PinterestOptions,
  scopes = PINTEREST_SCOPES,
): MemoryCredentials {
  const tokens: OAuthTokens = { ...fake.grant(scopes), scopes, account: { username: fake.account.username } };
  const tools = { options, http: createFetchHttpClient('pinterest'), clock: { now: () => new Date() } };
  return createMemoryCredentials(tokens, (current) => pinterestOAuth.refresh!(current, tools));
}

/** Credentials whose holder is set later (the kit builds the context before it starts the platform). */
export function lateCredentials(): { credentials: PluginCredentials; set(value: MemoryCredentials): void } {
  let held: MemoryCredentials | undefined;
  const get = () => {
    if (!held) {
      throw new Error('pinterest test: credentials used before the platform started');
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

/** A content folder with images (PNG and JPEG headers Pinterest's types accept), removed by `dispose`. */
export function imageFolder(): {
  root: string;
  image(name?: string, altText?: string): MediaAttachment;
  dispose(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'metronome-pinterest-'));
  mkdirSync(join(root, 'media'));
  writeFileSync(join(root, 'media', 'pin.png'), png(1000, 1500));
  writeFileSync(join(root, 'media', 'pin.jpg'), jpeg(1000, 1500));
  writeFileSync(join(root, 'media', 'clip.mp4'), mp4({ seconds: 8, width: 1080, height: 1920 }));
  for (let i = 2; i <= 6; i++) {
    writeFileSync(join(root, 'media', `pin${i}.png`), png(1000, 1500));
  }
  return {
    root,
    image: (name = 'pin.png', altText?: string) => ({
      path: join(root, 'media', name),
      root,
      mimeType: name.endsWith('.mp4') ? 'video/mp4' : name.endsWith('.jpg') ? 'image/jpeg' : 'image/png',
      ...(altText ? { altText } : {}),
    }),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The plugin as the conformance kit runs it: the kit publishes text-only posts, which Pinterest refuses (a pin is
 * an image; the plugin declares media.minCount 1, so the core never sends one), so each request without media gets
 * one PNG. Everything else is the plugin.
 */
export function kitPlugin(image: () => MediaAttachment): ConnectorPlugin<PinterestOptions> {
  return {
    ...pinterest,
    create: (context, options) => {
      const connector = new PinterestConnector(context, options);
      const publish = connector.publish.bind(connector);
      connector.publish = (request) =>
        publish({ ...request, media: request.media.length > 0 ? request.media : [image()] });
      return connector;
    },
  };
}
