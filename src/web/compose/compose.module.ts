import { Module } from '@nestjs/common';
import { ContentFilesService } from '../../content/content-files.service';
import { ContentModule } from '../../content/content.module';
import { WebCoreModule } from '../web-core.module';
import { ComposeController } from './compose.controller';
import { ComposeService } from './compose.service';

/** Compose, edit and reschedule posts: /brands/:brand/posts/new, /posts/:id/edit, POST /posts/:id/reschedule. */
@Module({
  // forwardRef: web.module.ts imports this module too (WebModule), so WebCoreModule is not defined yet here.
  imports: [WebCoreModule, ContentModule],
  controllers: [ComposeController],
  providers: [ComposeService, ContentFilesService],
})
export class ComposeModule {}
