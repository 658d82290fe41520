import { basename } from 'node:path';
import instagram from '../../plugins/instagram';
import { instagramOAuth } from '../../plugins/instagram/instagram-oauth';
import type { InstagramOptions } from '../../plugins/instagram/instagram-options.schema';
import { InstagramConnector } from '../../plugins/instagram/instagram.connector';
import type { ConnectorPlugin, MediaAttachment, OAuthTokens, PluginContext } from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import {
  FIXTURE_JPEG,
  FIXTURE_MP4,
  startMediaHost,
  type InstagramGraphFake,
} from '../fakes/instagram-graph.fake';

/** The files tests publish; the media host serves them by base name, as Metronome's media links would. */
export const JPEG = (name = 'photo.jpg', altText?: string): MediaAttachment => ({
  path: `/content/acme/${name}`,
  root: '/content/acme',
  mimeType: 'image/jpeg',
  ...(altText ? { altText } : {}),
});
export const MP4 = (name = 'reel.mp4'): MediaAttachment => ({
  path: `/content/acme/${name}`,
  root: '/content/acme',
  mimeType: 'video/mp4',
});

export async function startFixtureMediaHost() {
  const files: Record<string, { bytes: Uint8Array; type: string }> = {};
  for (let i = 0; i < 12; i++) {
    files[`photo${i || ''}.jpg`] = { bytes: FIXTURE_JPEG, type: 'image/jpeg' };
  }
  files['reel.mp4'] = { bytes: FIXTURE_MP4, type: 'video/mp4' };
  files['not-a-jpeg.jpg'] = { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), type: 'image/png' };
  return startMediaHost(files);
}

/** Stands in for the host's media links (organisation.publicUrl): the URL of the fixture with the file's name. */
export function withMediaLinks(context: PluginContext, mediaHostUrl: string): PluginContext {
  return {
    ...context,
    media: { publicUrl: (attachment) => `${mediaHostUrl}/${encodeURIComponent(basename(attachment.path))}` },
  };
}

/** OAuth credentials held in memory, renewed through the plugin's own refresh against the fake (ig_refresh_token). */
export function fakeCredentials(
  fake: InstagramGraphFake,
  options: InstagramOptions,
  token = fake.issueToken(),
  clock: () => Date = () => new Date(),
): MemoryCredentials {
  const tokens: OAuthTokens = {
    accessToken: token,
    expiresAt: new Date(clock().getTime() + 60 * 86_400_000),
    account: { userId: fake.userId },
  };
  return createMemoryCredentials(
    tokens,
    (held) =>
      instagramOAuth.refresh!(held, {
        options,
        http: createFetchHttpClient('instagram'),
        clock: { now: clock },
      }),
    clock,
  );
}

export function options(fake: InstagramGraphFake, apiBaseUrl = fake.url): InstagramOptions {
  return {
    apiBaseUrl,
    authBaseUrl: fake.url,
    tokenBaseUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    mediaUrlLifetimeMs: 86_400_000,
  };
}

/**
 * The plugin for the conformance kit: Instagram has no text-only posts and the kit's requests carry no media, so a
 * request without media gets one JPEG fixture; the kit's context gets media links. Everything else is the plugin.
 */
export function kitPlugin(mediaHostUrl: () => string): ConnectorPlugin<InstagramOptions> {
  return {
    ...instagram,
    create: (context, pluginOptions) => {
      const connector = new InstagramConnector(withMediaLinks(context, mediaHostUrl()), pluginOptions);
      const publish = connector.publish.bind(connector);
      connector.publish = (request) =>
        publish({ ...request, media: request.media.length > 0 ? request.media : [JPEG()] });
      return connector;
    },
  };
}
