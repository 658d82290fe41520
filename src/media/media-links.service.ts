import { Logger } from '@nestjs/common';
import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative } from 'node:path';
import type { Clock } from '../clock/clock';
import type { MediaAttachment } from '../plugin-sdk/connector';
import { PermanentError } from '../plugin-sdk/errors';
import { mediaRefusal } from '../plugin-sdk/media-file';
import {
  DEFAULT_MEDIA_URL_LIFETIME_MS,
  MAX_MEDIA_URL_LIFETIME_MS,
  type MediaUrlOptions,
  type PluginMediaLinks,
} from '../plugin-sdk/media-url';
import { type MediaLinkCheck, MediaLinkSigner } from './media-link.signer';
import { isLoopbackUrl } from './loopback-url';

/** Where the served files live under the public URL: `<publicUrl>/media/<token><.ext>`. */
export const MEDIA_ROUTE = 'media';

// RFC 6838 names: nothing that could end a header or add a parameter to Content-Type.
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
const EXTENSION = /^\.[a-z0-9]{1,10}$/;

export interface MediaLinksSources {
  /** The secret the keys derive from (see mediaLinkSecret); read on first use, so a context that never signs or serves writes no key file. */
  secret: () => string | undefined;
  /** `organisation.publicUrl` of the configuration in force (a reload changes it). */
  publicUrl: () => string | undefined;
  clock: Clock;
  warn?: (message: string) => void;
}

/**
 * Signs media URLs for plugins (`context.media`) and checks them for the media controller. The link grants one file,
 * checked at signing (a readable file inside its content folder, symlinks resolved) and again at every fetch.
 * A loopback `publicUrl` is allowed (local tests, a sandbox) with one warning per process, since no platform can
 * reach it; any other must be https, because the platforms that fetch media fetch only https.
 */
export class MediaLinks {
  private signerInstance?: MediaLinkSigner;
  private warnedLoopback = false;
  private readonly warn: (message: string) => void;

  constructor(private readonly sources: MediaLinksSources) {
    const logger = new Logger('MediaLinks');
    this.warn = sources.warn ?? ((message) => logger.warn(message));
  }

  /** The `media` of one plugin's context: its errors name the plugin. */
  forPlugin(plugin: string): PluginMediaLinks {
    return { publicUrl: (attachment, options) => this.publicUrl(plugin, attachment, options) };
  }

  /** What a token from a URL grants, now. */
  check(token: string): MediaLinkCheck {
    return this.signer().open(token, this.sources.clock.now());
  }

  private publicUrl(plugin: string, attachment: MediaAttachment, options: MediaUrlOptions = {}): string {
    const shown = attachment.root ? relative(attachment.root, attachment.path) : attachment.path;
    const where = `plugin ${plugin}: media URL for "${shown}"`;
    const base = this.baseUrl(where);
    const lifetimeMs = lifetimeOf(options.expiresInMs, where);
    if (!MIME_TYPE.test(attachment.mimeType)) {
      throw new PermanentError(
        `${where}: mimeType "${attachment.mimeType}" is not a media type such as image/jpeg or video/mp4`,
      );
    }
    if (!attachment.root) {
      throw new PermanentError(
        `${where}: the attachment names no content folder (root); import the post again to serve its media by URL`,
      );
    }
    const path = containedPath(attachment.path, attachment.root);
    if (path === undefined) {
      throw new PermanentError(`${where}: ${mediaRefusal(shown)}`);
    }
    const signer = this.signer();
    if (!signer.enabled) {
      throw new PermanentError(
        `${where}: media links need METRONOME_SECRET_KEY on a shared database; set it to the same value on every replica (\`openssl rand -base64 32\`)`,
      );
    }
    const token = signer.seal({
      root: attachment.root,
      path,
      mimeType: attachment.mimeType,
      expiresAtMs: this.sources.clock.now().getTime() + lifetimeMs,
    });
    const extension = extname(attachment.path).toLowerCase();
    return `${base}/${MEDIA_ROUTE}/${token}${EXTENSION.test(extension) ? extension : ''}`;
  }

  private baseUrl(where: string): string {
    const configured = this.sources.publicUrl();
    if (!configured) {
      throw new PermanentError(
        `${where}: organisation.publicUrl is not set in the configuration; set it to the https address platforms reach Metronome at`,
      );
    }
    const url = new URL(configured);
    if (isLoopbackUrl(url)) {
      if (!this.warnedLoopback) {
        this.warnedLoopback = true;
        this.warn(
          `organisation.publicUrl ${url.origin} is a loopback address: media URLs work on this machine only, no platform can fetch them`,
        );
      }
    } else if (url.protocol !== 'https:') {
      throw new PermanentError(
        `${where}: organisation.publicUrl ${url.origin} must be https: platforms fetch media only over https (TLS belongs to the proxy in front of Metronome)`,
      );
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }

  private signer(): MediaLinkSigner {
    this.signerInstance ??= new MediaLinkSigner(this.sources.secret());
    return this.signerInstance;
  }
}

function lifetimeOf(expiresInMs: number | undefined, where: string): number {
  if (expiresInMs === undefined) {
    return DEFAULT_MEDIA_URL_LIFETIME_MS;
  }
  if (!Number.isFinite(expiresInMs) || expiresInMs <= 0 || expiresInMs > MAX_MEDIA_URL_LIFETIME_MS) {
    throw new PermanentError(
      `${where}: expiresInMs ${expiresInMs} is out of range: give more than 0 and at most ${MAX_MEDIA_URL_LIFETIME_MS} (7 days)`,
    );
  }
  return Math.ceil(expiresInMs);
}

/** The file's real path relative to its root's, when it is a file inside the root (symlinks resolved). */
function containedPath(path: string, root: string): string | undefined {
  try {
    const rest = relative(realpathSync(root), realpathSync(path));
    const inside = rest !== '' && !rest.startsWith('..') && !isAbsolute(rest);
    return inside && statSync(path).isFile() ? rest : undefined;
  } catch {
    return undefined;
  }
}
