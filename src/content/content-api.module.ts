import { Module } from '@nestjs/common';
import { ContentFilesController } from './content-files.controller';
import { ContentFilesService } from './content-files.service';
import { ContentModule } from './content.module';
import { PostsController } from './posts.controller';

/** The plan & prepare REST API, served by the api role. */
@Module({
  imports: [ContentModule],
  controllers: [PostsController, ContentFilesController],
  providers: [ContentFilesService],
})
export class ContentApiModule {}
