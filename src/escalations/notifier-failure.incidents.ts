import { Clock } from '../clock/clock';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { NotifierHealthService } from '../notifications/notifier-health.service';
import { IncidentService } from './incident.service';

/**
 * A notifier that keeps failing raises its own incident, addressed to every brand owner: the sweeper
 * reaches them through whatever other notifiers they have. It resolves when the notifier recovers.
 */
@Injectable()
export class NotifierFailureIncidents implements OnModuleInit {
  constructor(
    private readonly health: NotifierHealthService,
    private readonly incidents: IncidentService,
    private readonly config: ConfigService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.health.onFailing(async (event) => {
      const owners = [
        ...new Set(Object.values(this.config.loaded.config.brands).map((brand) => brand.owner)),
      ];
      await this.incidents.open({
        brandId: null,
        rule: 'guard:notifier-failing',
        subjectKey: `notifier:${event.notifier}`,
        title: `Notifier "${event.notifier}" (${event.plugin}) is failing: ${event.consecutiveFailures} failed ${event.consecutiveFailures === 1 ? 'send' : 'sends'} in a row`,
        severity: 'critical',
        details: {
          notifier: event.notifier,
          plugin: event.plugin,
          lastError: event.lastError,
          since: event.since.toISOString(),
        },
        policy: { policy: '(brand owners)', levels: [{ targets: owners, afterMs: 0 }], repeat: 0 },
        at: this.clock.now(),
      });
    });
    this.health.onRecovered(async (event) => {
      await this.incidents.resolveCleared(
        'guard:notifier-failing',
        `notifier:${event.notifier}`,
        event.recoveredAt,
      );
    });
  }
}
