import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BrandAccess } from '../access/brand-access';
import { NotificationsModule } from '../notifications/notifications.module';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ActingPersonResolver } from './acting-person.resolver';
import { ApiTokenGuard } from './api-token.guard';
import { AuditOriginInterceptor } from './audit-origin.interceptor';
import { DatabaseHealthRepository } from './database-health.repository';
import { ErrorBodyFilter } from './error-body.filter';
import { HEALTH_OPTIONS, HealthController, type HealthOptions } from './health.controller';
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
@Module({})
export class HttpModule {
  static forRoot(health: HealthOptions): DynamicModule {
    return {
      module: HttpModule,
      imports: [NotificationsModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_GUARD, useClass: ApiTokenGuard },
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
        { provide: APP_INTERCEPTOR, useClass: AuditOriginInterceptor },
        { provide: PROMETHEUS_REGISTRY, useFactory: () => createPrometheusRegistry(METRONOME_VERSION) },
        { provide: HEALTH_OPTIONS, useValue: health },
        DatabaseHealthRepository,
        SubjectBrandsRepository,
        ActingPersonResolver,
        BrandAccess,
      ],
      exports: [ActingPersonResolver, BrandAccess, SubjectBrandsRepository],
    };
  }
}

/** The REST API under /api/v1: served by the `api` role (and `all`). */
@Module({ controllers: [SystemController] })
export class RestApiModule {}
