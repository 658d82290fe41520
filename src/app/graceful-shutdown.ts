import { type INestApplication, Logger } from '@nestjs/common';
import { PublishWorker } from '../publishing/publish.worker';
import type { ShutdownSummary } from '../publishing/publish-dispatch';

export interface GracefulShutdownOptions {
  /** The whole shutdown, below the container's grace period (Docker: 30 s). */
  timeoutMs: number;
  /** Kept for closing the rest (leases, queues, database) after publishing has drained. */
  closeReserveMs?: number;
  exit?: (code: number) => void;
  logger?: { log(message: string): void; error(message: string): void };
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * SIGTERM/SIGINT: stop claiming at once, give back claims not yet sent, await sends in flight up to the bound,
 * close the application, log ONE line, exit 0. If closing hangs past `timeoutMs`, log that and exit 1.
 * (In place of Nest's enableShutdownHooks, which neither bounds nor reports, and re-raises the signal.)
 */
export function installGracefulShutdown(app: INestApplication, options: GracefulShutdownOptions): void {
  const logger = options.logger ?? new Logger('Shutdown');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handler = (signal: NodeJS.Signals) => {
    for (const name of SIGNALS) {
      process.removeListener(name, handler);
    }
    void shutDown(app, signal, options, logger, exit);
  };
  for (const name of SIGNALS) {
    process.on(name, handler);
  }
}

async function shutDown(
  app: INestApplication,
  signal: NodeJS.Signals,
  options: GracefulShutdownOptions,
  logger: NonNullable<GracefulShutdownOptions['logger']>,
  exit: (code: number) => void,
): Promise<void> {
  const started = performance.now();
  const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const watchdog = setTimeout(() => {
    logger.error(
      `shutting down (${signal}): not closed within ${options.timeoutMs / 1000} s, exiting anyway`,
    );
    exit(1);
  }, options.timeoutMs);
  watchdog.unref();
  try {
    const worker = publishWorkerOf(app);
    const reserve = options.closeReserveMs ?? Math.min(5000, options.timeoutMs / 4);
    const summary = worker ? await worker.drain(started + options.timeoutMs - reserve) : undefined;
    await app.close();
    clearTimeout(watchdog);
    logger.log(`shutting down (${signal}): ${describe(summary)} in ${seconds()}`);
    exit(0);
  } catch (error) {
    clearTimeout(watchdog);
    logger.error(`shutting down (${signal}) failed after ${seconds()}: ${(error as Error).message}`);
    exit(1);
  }
}

function publishWorkerOf(app: INestApplication): PublishWorker | undefined {
  try {
    return app.get(PublishWorker, { strict: false });
  } catch {
    return undefined; // not a worker role
  }
}

function describe(summary: ShutdownSummary | undefined): string {
  if (!summary) {
    return 'closed (no publishing in this role)';
  }
  const left = summary.leftInFlight
    ? `, ${summary.leftInFlight} sends still in flight left claimed (another worker reconciles them)`
    : '';
  return `stopped claiming; ${summary.finished} sends finished, ${summary.released} claims released${left}`;
}
