import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import { UnavailableError } from '../errors/domain.error';

/** The port could not be bound: nothing else may start, and the person is told what to change. */
export class ListenError extends UnavailableError {}

/**
 * Binds the HTTP port before the application initialises, so a process that cannot serve `/health` and
 * the API exits before its bootstrap hooks take cluster leases, start schedulers or claim posts.
 * Requests that arrive while the modules initialise are answered 503 "starting" (registered ahead of
 * every route, so `/health` says "starting" rather than 404).
 */
export async function listenBeforeInit(
  app: INestApplication,
  port: number,
  host: string,
): Promise<{ markReady: () => void }> {
  let ready = false;
  app.use((_request: Request, response: Response, next: NextFunction) => {
    if (ready) {
      next();
      return;
    }
    response
      .status(503)
      .set('retry-after', '1')
      .json({ status: 'starting', message: 'Metronome is starting: try again in a moment' });
  });
  const server = app.getHttpServer() as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      reject(new ListenError(describeListenError(error, port, host), undefined, undefined, { cause: error }));
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  return {
    markReady: () => {
      ready = true;
    },
  };
}

function describeListenError(error: NodeJS.ErrnoException, port: number, host: string): string {
  const where = `port ${port} on ${host}`;
  const known: Record<string, string> = {
    EADDRINUSE:
      `${where} is already in use (EADDRINUSE): stop the process that holds it, ` +
      'or start Metronome on another port (PORT=… or --port …)',
    EACCES:
      `${where} needs privileges this process does not have (EACCES): ` +
      'use a port above 1023 (PORT=… or --port …)',
    EADDRNOTAVAIL:
      `${host} is not an address of this machine (EADDRNOTAVAIL): ` +
      'set HOST to one of its addresses, or leave it unset for 0.0.0.0',
  };
  return `cannot serve HTTP: ${(error.code && known[error.code]) || `${where}: ${error.message}`}`;
}
