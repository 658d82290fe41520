import { Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { webTemplatesDir } from '../rendering/web-templates-dir';
import { WebController, WebPublic } from '../web-access.decorator';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The app's own assets (style sheet, htmx, the small script, icons), from templates/web/assets: served by
 * Metronome itself, no CDN. Only files present at start are served, read once.
 */
@WebController('assets')
export class AssetsController {
  private readonly files = new Map<string, { body: Buffer; type: string }>();

  constructor() {
    const dir = join(webTemplatesDir(), 'assets');
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) {
        this.files.set(name, { body: readFileSync(join(dir, name)), type });
      }
    }
  }

  @WebPublic()
  @Get(':file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    const asset = this.files.get(file);
    if (!asset) {
      throw new NotFoundException(`no asset "${file}"`);
    }
    // The security headers say no-store for pages; assets may be cached for an hour.
    response.setHeader('Cache-Control', 'public, max-age=3600');
    response.type(asset.type).send(asset.body);
  }
}
