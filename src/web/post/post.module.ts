import { Module } from '@nestjs/common';
import { WebCoreModule } from '../web-core.module';
import { PostPageController } from './post-page.controller';
import { PostPageQuery } from './post-page.query';

/** The post page (GET /posts/:id): previews per network, approval chain, audit trail. */
@Module({
  // forwardRef: web.module.ts imports this module, so WebCoreModule is not defined yet when this file loads.
  imports: [WebCoreModule],
  providers: [PostPageQuery],
  controllers: [PostPageController],
})
export class PostPageModule {}
