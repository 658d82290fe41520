import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The query the platform's redirect carried. */
export type CallbackQuery = Record<string, string>;

/**
 * A one-shot HTTP server on 127.0.0.1 (a free port) for `channels connect --loopback`: the platform redirects the
 * person's browser to http://127.0.0.1:<port>/oauth/callback (RFC 8252 §7.3), the CLI completes the authorization
 * itself and answers the page. Only /oauth/callback is served; the server listens on the loopback interface only.
 */
export class LoopbackReceiver {
  private server?: Server;

  /** Starts listening; `handle` answers each callback; the server stays until `close`. */
  async start(handle: (query: CallbackQuery) => Promise<{ status: number; html: string }>): Promise<string> {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method !== 'GET' || url.pathname !== '/oauth/callback') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      handle(Object.fromEntries(url.searchParams)).then(
        (page) => {
          response
            .writeHead(page.status, {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              'referrer-policy': 'no-referrer',
            })
            .end(page.html);
        },
        (error: unknown) => {
          response
            .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
            .end(`connecting failed: ${(error as Error).message}; see the terminal`);
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
