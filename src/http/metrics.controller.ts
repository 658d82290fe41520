import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Registry } from 'prom-client';
import { ApiAccess } from './api-access.decorator';
import { PROMETHEUS_REGISTRY } from './prometheus.registry';

@ApiTags('system')
@ApiBearerAuth()
@ApiAccess('system:read')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PROMETHEUS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (scrape with a bearer token).' })
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
