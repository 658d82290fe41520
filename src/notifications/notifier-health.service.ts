import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ConfigService } from '../config/config.service';

/** Injection token: consecutive failed sends after which a notifier counts as failing (default 3). */
export const NOTIFIER_FAILING_AFTER = Symbol('NOTIFIER_FAILING_AFTER');

export type NotifierState = 'ok' | 'failing' | 'unknown';

export interface NotifierHealth {
  plugin: string;
  /** unknown: nothing sent since start; ok: the last sends worked or failed fewer than `failingAfter` times. */
  state: NotifierState;
  consecutiveFailures: number;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  /** When the current failing streak crossed the threshold. */
  failingSince?: string;
  lastError?: string;
}

export interface NotifierHealthSnapshot {
  /** degraded when any configured notifier is failing. */
  status: 'ok' | 'degraded';
  failingAfter: number;
  notifiers: Record<string, NotifierHealth>;
}

export interface NotifierFailingEvent {
  notifier: string;
  plugin: string;
  consecutiveFailures: number;
  lastError: string;
  since: Date;
}

export interface NotifierRecoveredEvent {
  notifier: string;
  plugin: string;
  failingSince: Date;
  recoveredAt: Date;
}

type Listener<E> = (event: E) => void | Promise<void>;

interface Tracked {
  consecutiveFailures: number;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  failingSince?: Date;
  lastError?: string;
}

/**
 * Counts consecutive failed sends per notifier (a send is failed after all its retries). Crossing the
 * threshold fires onFailing once; the next success fires onRecovered. State lives in memory: a restart
 * starts every notifier at "unknown".
 */
@Injectable()
export class NotifierHealthService {
  private readonly logger = new Logger('NotifierHealth');
  private readonly tracked = new Map<string, Tracked>();
  private readonly failingListeners = new Set<Listener<NotifierFailingEvent>>();
  private readonly recoveredListeners = new Set<Listener<NotifierRecoveredEvent>>();
  private readonly failingAfter: number;

  constructor(
    private readonly config: ConfigService,
    @Optional() @Inject(NOTIFIER_FAILING_AFTER) failingAfter?: number,
  ) {
    this.failingAfter = failingAfter ?? 3;
  }

  /** Called with each notifier that starts failing, e.g. to raise an incident through another notifier. */
  onFailing(listener: Listener<NotifierFailingEvent>): () => void {
    this.failingListeners.add(listener);
    return () => this.failingListeners.delete(listener);
  }

  onRecovered(listener: Listener<NotifierRecoveredEvent>): () => void {
    this.recoveredListeners.add(listener);
    return () => this.recoveredListeners.delete(listener);
  }

  recordSuccess(notifier: string, at: Date): void {
    const state = this.stateOf(notifier);
    const failingSince = state.failingSince;
    state.consecutiveFailures = 0;
    state.failingSince = undefined;
    state.lastSuccessAt = at;
    if (failingSince) {
      this.logger.log(`notifier "${notifier}" delivers again (failing since ${failingSince.toISOString()})`);
      this.emit(this.recoveredListeners, {
        notifier,
        plugin: this.pluginOf(notifier),
        failingSince,
        recoveredAt: at,
      });
    }
  }

  recordFailure(notifier: string, error: string, at: Date): void {
    const state = this.stateOf(notifier);
    state.consecutiveFailures += 1;
    state.lastFailureAt = at;
    state.lastError = error;
    if (!state.failingSince && state.consecutiveFailures >= this.failingAfter) {
      state.failingSince = at;
      this.logger.error(
        `notifier "${notifier}" is failing: ${state.consecutiveFailures} sends in a row failed; last error: ${error}`,
      );
      this.emit(this.failingListeners, {
        notifier,
        plugin: this.pluginOf(notifier),
        consecutiveFailures: state.consecutiveFailures,
        lastError: error,
        since: at,
      });
    }
  }

  isFailing(notifier: string): boolean {
    return this.tracked.get(notifier)?.failingSince !== undefined;
  }

  /** Every notifier in the configuration in force, for /health. */
  snapshot(): NotifierHealthSnapshot {
    const notifiers: Record<string, NotifierHealth> = {};
    for (const [id, definition] of Object.entries(this.config.loaded.config.notifiers)) {
      const state = this.tracked.get(id);
      notifiers[id] = {
        plugin: definition.plugin,
        state: !state ? 'unknown' : state.failingSince ? 'failing' : 'ok',
        consecutiveFailures: state?.consecutiveFailures ?? 0,
        ...(state?.lastSuccessAt ? { lastSuccessAt: state.lastSuccessAt.toISOString() } : {}),
        ...(state?.lastFailureAt ? { lastFailureAt: state.lastFailureAt.toISOString() } : {}),
        ...(state?.failingSince ? { failingSince: state.failingSince.toISOString() } : {}),
        ...(state?.lastError ? { lastError: state.lastError } : {}),
      };
    }
    const failing = Object.values(notifiers).some((health) => health.state === 'failing');
    return { status: failing ? 'degraded' : 'ok', failingAfter: this.failingAfter, notifiers };
  }

  private stateOf(notifier: string): Tracked {
    let state = this.tracked.get(notifier);
    if (!state) {
      state = { consecutiveFailures: 0 };
      this.tracked.set(notifier, state);
    }
    return state;
  }

  private pluginOf(notifier: string): string {
    return this.config.loaded.config.notifiers[notifier]?.plugin ?? 'unknown';
  }

  /** Listeners run without holding up the send that triggered them; their errors are logged, never thrown. */
  private emit<E>(listeners: Set<Listener<E>>, event: E): void {
    for (const listener of listeners) {
      try {
        Promise.resolve(listener(event)).catch((error: unknown) => this.listenerFailed(error));
      } catch (error) {
        this.listenerFailed(error);
      }
    }
  }

  private listenerFailed(error: unknown): void {
    this.logger.error(
      `a notifier health listener failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
