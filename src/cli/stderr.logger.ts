import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's console logger writes `log` and `warn` to standard output, where they would mix into what a
 * command prints (and into `| head` or `> file`). Every log line of a CLI command goes to standard error.
 */
export class StderrLogger extends ConsoleLogger {
  constructor(levels: LogLevel[] = ['error', 'warn']) {
    super({ logLevels: levels });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    // Nest reports an error that stops a context from starting, then throws it to cli/main.ts, which prints it.
    if (context === 'ExceptionHandler') {
      return;
    }
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
