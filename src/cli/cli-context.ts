import type { DynamicModule, INestApplicationContext, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { StderrLogger } from './stderr.logger';

/**
 * Runs a command's work in a Nest application context built from its role module (src/cli/modules), then
 * closes it (the database last). An error while the context starts is thrown, not aborted on, so main.ts
 * prints it once and leaves with its exit code.
 */
export async function inCliContext<T>(
  module: DynamicModule,
  work: (app: INestApplicationContext) => Promise<T>,
  logLevels: LogLevel[] = ['error', 'warn'],
): Promise<T> {
  const app = await NestFactory.createApplicationContext(module, {
    logger: new StderrLogger(logLevels),
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
