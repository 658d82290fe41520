import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { Clock } from '../clock/clock';
import { openContainedFile, type OpenMediaFile } from '../plugin-sdk/media-file';
import { byteRangeOf, type ByteRange } from './byte-range';
import type { MediaLinkGrant } from './media-link.signer';
import { MediaLinks } from './media-links.service';

const CHUNK_BYTES = 64 * 1024;

/**
 * Answers a media URL: the one file its token grants, opened again inside its content folder (it may have become a
 * symlink since signing), from the open handle only. Refusals are short and say nothing that helps forging:
 * 403 for a token that is not ours, 410 for one that expired, 404 when the file is no longer a readable file inside
 * its folder. Never lists a folder: only a regular file opens.
 */
@Injectable()
export class MediaFileResponder {
  private readonly logger = new Logger('Media');

  constructor(
    private readonly links: MediaLinks,
    private readonly clock: Clock,
  ) {}

  async respond(name: string, request: Request, response: Response): Promise<void> {
    // A token is URL-safe base64, without dots: what follows the first dot is the extension some platforms want.
    const check = this.links.check(name.split('.')[0]);
    if (check.status !== 'ok') {
      refuse(response, check.status === 'expired' ? 410 : 403, `media link ${check.status}`);
      return;
    }
    const { grant } = check;
    const file = await openContainedFile(join(grant.root, grant.path), grant.root);
    if (!file) {
      this.logger.debug(`media ${grant.path}: not a readable file inside ${grant.root} any more`);
      refuse(response, 404, 'media not found');
      return;
    }
    try {
      await this.send(file, grant, request, response);
    } catch (error) {
      // The platform hung up mid-transfer, or the file shrank: this response ends, nothing else is affected.
      this.logger.debug(`media ${grant.path}: transfer stopped: ${(error as Error).message}`);
      response.destroy();
    } finally {
      await file.close();
    }
  }

  private async send(
    file: OpenMediaFile,
    grant: MediaLinkGrant,
    request: Request,
    response: Response,
  ): Promise<void> {
    const etag = `"${file.size.toString(36)}-${file.modifiedAt.getTime().toString(36)}"`;
    const remainingSeconds = Math.max(0, Math.floor((grant.expiresAtMs - this.clock.now().getTime()) / 1000));
    response.setHeader('Content-Type', grant.mimeType);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', `private, max-age=${remainingSeconds}`);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('ETag', etag);
    response.setHeader('Last-Modified', file.modifiedAt.toUTCString());
    if (request.headers['if-none-match'] === etag) {
      response.status(304).end();
      return;
    }
    const ifRange = request.headers['if-range'];
    const range =
      ifRange === undefined || ifRange === etag ? byteRangeOf(request.headers.range, file.size) : undefined;
    if (range === 'unsatisfiable') {
      response.setHeader('Content-Range', `bytes */${file.size}`);
      refuse(response, 416, 'range not satisfiable');
      return;
    }
    const bytes = range ?? { start: 0, end: file.size - 1 };
    if (range) {
      response.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    } else {
      response.status(200);
    }
    response.setHeader('Content-Length', String(bytes.end - bytes.start + 1));
    this.logger.debug(
      `media ${grant.path}: ${request.method} ${response.statusCode}, bytes ${bytes.start}-${bytes.end} of ${file.size}`,
    );
    if (request.method === 'HEAD' || file.size === 0) {
      response.end();
      return;
    }
    await pipeline(Readable.from(chunks(file, bytes)), response);
  }
}

/** The range's bytes from the open handle; a file that shrank meanwhile is an error, so the response is cut short visibly. */
async function* chunks(file: OpenMediaFile, range: ByteRange): AsyncGenerator<Uint8Array> {
  let at = range.start;
  while (at <= range.end) {
    const chunk = await file.readAt(at, Math.min(CHUNK_BYTES, range.end - at + 1));
    if (chunk.length === 0) {
      throw new Error(`file ended at byte ${at}, before ${range.end + 1}`);
    }
    yield chunk;
    at += chunk.length;
  }
}

function refuse(response: Response, status: number, message: string): void {
  response
    .status(status)
    .setHeader('Cache-Control', 'no-store')
    .setHeader('Content-Type', 'text/plain; charset=utf-8')
    .send(`${message}\n`);
}
