import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokenGuard } from './api-token.guard';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { createPrometheusRegistry, PROMETHEUS_REGISTRY } from './prometheus.registry';
import { SystemController } from './system.controller';
import { METRONOME_VERSION } from '../app/version';

/** Health and metrics: served by every role, so each process can be probed. */
@Module({
  imports: [NotificationsModule],
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: APP_GUARD, useClass: ApiTokenGuard },
    { provide: PROMETHEUS_REGISTRY, useFactory: () => createPrometheusRegistry(METRONOME_VERSION) },
  ],
})
export class HttpModule {}

/** The REST API under /api/v1: served by the `api` role (and `all`). */
@Module({ controllers: [SystemController] })
export class RestApiModule {}
