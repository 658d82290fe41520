import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../http/public.decorator';
import { MediaFileResponder } from './media-file.responder';
import { MEDIA_ROUTE } from './media-links.service';

/**
 * Media files that platforms fetch themselves (Instagram, Threads, TikTok, Pinterest), by the signed URL a connector
 * got from `context.media.publicUrl()`. Public: the token is the permission. Express answers HEAD through GET.
 */
@ApiTags('media')
@Controller(MEDIA_ROUTE)
export class MediaController {
  constructor(private readonly responder: MediaFileResponder) {}

  @Public()
  @Get(':file')
  @ApiProduces('image/*', 'video/*')
  @ApiOperation({
    summary:
      'One media file by its signed, expiring link (`<token>` or `<token>.<ext>`): Range and HEAD supported; 403 invalid, 410 expired, 404 file gone.',
  })
  async file(@Param('file') file: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.responder.respond(file, request, response);
  }
}
