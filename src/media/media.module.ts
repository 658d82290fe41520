import { Module, type Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock';
import { ConfigService } from '../config/config.service';
import { MediaFileResponder } from './media-file.responder';
import { mediaLinkSecret } from './media-link-secret';
import { MediaLinks } from './media-links.service';
import { MediaController } from './media.controller';

/**
 * The one MediaLinks of a process, provided by the (global) plugin host so plugin contexts sign with it and the
 * media controller checks with it. Without a configuration (a context that loads none) there is no publicUrl and
 * `publicUrl()` says so.
 */
export const MEDIA_LINKS_PROVIDER: Provider = {
  provide: MediaLinks,
  inject: [DataSource, Clock, { token: ConfigService, optional: true }],
  useFactory: (dataSource: DataSource, clock: Clock, config?: ConfigService) =>
    new MediaLinks({
      secret: () => mediaLinkSecret(sqliteDatabaseFile(dataSource)),
      publicUrl: () => config?.loaded.config.organisation.publicUrl,
      clock,
    }),
};

/** Serves media URLs, in the api role. */
@Module({ controllers: [MediaController], providers: [MediaFileResponder] })
export class MediaApiModule {}

function sqliteDatabaseFile(dataSource: DataSource): string | undefined {
  const { options } = dataSource;
  return options.type === 'better-sqlite3' && typeof options.database === 'string'
    ? options.database
    : undefined;
}
