import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ConfigService } from '../config/config.service';
import { ApiAccess } from '../http/api-access.decorator';
import { ContentFilesService } from './content-files.service';

const fileBody = z.strictObject({
  text: z
    .string()
    .min(1)
    .meta({ description: 'The whole file: YAML front matter between --- lines, then the caption.' }),
});

/** Express 5 hands a `*path` wildcard over as its segments. */
function joinPath(path: string | string[]): string {
  return Array.isArray(path) ? path.join('/') : path;
}

@ApiTags('plan & prepare')
@ApiBearerAuth()
@Controller('api/v1/brands/:brand/content')
export class ContentFilesController {
  constructor(
    private readonly config: ConfigService,
    private readonly files: ContentFilesService,
  ) {}

  @Get()
  @ApiAccess('content:read', { param: 'brand' })
  @ApiOperation({ summary: 'The post files in the brand’s content folder (paths relative to it).' })
  list(@Param('brand') brand: string) {
    return { files: this.files.list(this.config.loaded, brand) };
  }

  @Put('*path')
  @ApiAccess('content:write', { param: 'brand' })
  @ApiOperation({
    summary:
      'Create or replace a post file in the brand’s content folder and sync the brand at once; returns what changed and any problem with the file (file:line).',
  })
  write(
    @Param('brand') brand: string,
    @Param('path') path: string | string[],
    @Body({ schema: fileBody }) body: z.output<typeof fileBody>,
  ) {
    return this.files.write(this.config.loaded, brand, joinPath(path), body.text);
  }

  @Delete('*path')
  @ApiAccess('content:write', { param: 'brand' })
  @ApiOperation({
    summary: 'Remove a post file and sync: its unpublished post is cancelled; a published post is kept.',
  })
  remove(@Param('brand') brand: string, @Param('path') path: string | string[]) {
    return this.files.remove(this.config.loaded, brand, joinPath(path));
  }
}
