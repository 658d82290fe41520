import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Nest's log calls as pino JSON lines: `{"level":30,"context":"Config","msg":"…"}`, the shape nestjs-pino
 * wrote. nestjs-pino 5 needs Node 22.12 and its 4.x line does not know Nest 12, so the few lines of glue
 * live here and Metronome keeps running on Node 20 and 22.
 */
export class PinoLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack, context) for errors.
    const [stack, context] = rest.length >= 2 ? rest : [undefined, rest[0]];
    this.write('error', message, context === undefined ? [] : [context], stack);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[], stack?: unknown): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) {
      fields.context = context;
    }
    if (typeof stack === 'string' && stack) {
      fields.stack = stack;
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

/** The process's logger: JSON on stdout at `level`, credentials in request headers redacted. */
export function createPinoLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}
