import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ConfigService } from '../config/config.service';
import { NotifierHealthService } from '../notifications/notifier-health.service';
import { QUEUE_DRIVER, type QueueDriver } from '../queue/queue-driver';
import type { ApiCaller } from './api-caller';
import { OptionalCaller } from './api-caller.decorator';
import { DatabaseHealthRepository } from './database-health.repository';
import { Public } from './public.decorator';
import { checkFolder, type FolderHealth } from './storage-health';

/** The data folders /health checks and the free space each needs. */
export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
export interface HealthOptions {
  dataFolders: string[];
  minFreeBytes: number;
}

type Status = 'ok' | 'down';

@ApiTags('system')
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealthRepository,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly config: ConfigService,
    private readonly notifiers: NotifierHealthService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    summary:
      'Liveness and readiness: database, queue, storage and notifiers, one status each; 503 when the database or queue is down or a data folder is full or unwritable. Details (versions, paths, latencies, config revision) with a token that has system:read.',
  })
  async health(
    @Res({ passthrough: true }) response: Response,
    @OptionalCaller() caller: ApiCaller | undefined,
  ) {
    const started = performance.now();
    let database: { status: Status; latencyMs?: number; detail?: string };
    try {
      await this.database.ping();
      database = { status: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      database = { status: 'down', detail: (error as Error).message };
    }
    const queue = { driver: this.queue.name, ...(await this.queue.health()) };
    const folders = await Promise.all(
      this.options.dataFolders.map((folder) => checkFolder(folder, this.options.minFreeBytes)),
    );
    const storage = worst(folders);
    // A failing notifier is reported (and raises an incident) but does not make the instance unhealthy.
    const notifiers = this.notifiers.snapshot();
    const ok = database.status === 'ok' && queue.status === 'ok' && storage === 'ok';
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const summary = {
      status: ok ? 'ok' : 'degraded',
      components: { database: database.status, queue: queue.status, storage, notifiers: notifiers.status },
    };
    // Without a token that may read system details, nothing that names a host, a path or an id.
    if (!caller?.may('system:read')) {
      return summary;
    }
    return {
      ...summary,
      database: { dialect: this.database.dialect, ...database },
      queue,
      storage: { status: storage, minFreeBytes: this.options.minFreeBytes, folders },
      config: { revision: this.config.loaded.revisionHash.slice(0, 12), files: this.config.loaded.files },
      notifiers,
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}

function worst(folders: FolderHealth[]): FolderHealth['status'] {
  return (
    folders.find((f) => f.status === 'unwritable')?.status ??
    folders.find((f) => f.status === 'full')?.status ??
    'ok'
  );
}
