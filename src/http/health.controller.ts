import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { NotifierHealthService } from '../notifications/notifier-health.service';
import { QUEUE_DRIVER, type QueueDriver } from '../queue/queue-driver';
import { Public } from './public.decorator';

@ApiTags('system')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
    private readonly config: ConfigService,
    private readonly notifiers: NotifierHealthService,
  ) {}

  @Public()
  @Get()
  @ApiOperation({
    summary:
      'Liveness and readiness: database, queue and the configuration in force. 503 when a dependency is down.',
  })
  async health(@Res({ passthrough: true }) response: Response) {
    const started = performance.now();
    let database: { status: 'ok' | 'down'; latencyMs?: number; detail?: string };
    try {
      await this.dataSource.query('SELECT 1');
      database = { status: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      database = { status: 'down', detail: (error as Error).message };
    }
    const queue = { driver: this.queue.name, ...(await this.queue.health()) };
    const ok = database.status === 'ok' && queue.status === 'ok';
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ok ? 'ok' : 'degraded',
      database: { dialect: this.dataSource.options.type, ...database },
      queue,
      config: { revision: this.config.loaded.revisionHash.slice(0, 12), files: this.config.loaded.files },
      // A failing notifier is reported (and raises an incident) but does not make the instance unhealthy.
      notifiers: this.notifiers.snapshot(),
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
