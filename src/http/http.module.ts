import { Global, Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ActingPersonResolver } from './acting-person.resolver';
import { ApiTokenGuard } from './api-token.guard';
import { AuditOriginInterceptor } from './audit-origin.interceptor';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { createPrometheusRegistry, PROMETHEUS_REGISTRY } from './prometheus.registry';
import { SubjectBrandsRepository } from './subject-brands.repository';
import { SystemController } from './system.controller';
import { METRONOME_VERSION } from '../app/version';

/**
 * Health and metrics, served by every role so each process can be probed, and the API's authorization:
 * the token guard, the audit origin of each request and who an action is taken as (global, for every
 * feature's controllers).
 */
@Global()
@Module({
  imports: [NotificationsModule],
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: APP_GUARD, useClass: ApiTokenGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditOriginInterceptor },
    { provide: PROMETHEUS_REGISTRY, useFactory: () => createPrometheusRegistry(METRONOME_VERSION) },
    SubjectBrandsRepository,
    ActingPersonResolver,
  ],
  exports: [ActingPersonResolver],
})
export class HttpModule {}

/** The REST API under /api/v1: served by the `api` role (and `all`). */
@Module({ controllers: [SystemController] })
export class RestApiModule {}
