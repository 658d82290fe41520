import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. "/api/webhooks/1/abc?wait=true". */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP server on 127.0.0.1 (random port) that records every request and lets a subclass answer it the
 * way the service it stands for documents. Base for the webhook fakes.
 */
export abstract class RecordingHttpServer {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private port = 0;

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: RecordedRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(request);
        this.respond(request, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The JSON bodies received, in order. */
  bodies<T = Record<string, unknown>>(): T[] {
    return this.requests.map((request) => JSON.parse(request.body) as T);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  protected abstract respond(request: RecordedRequest, res: ServerResponse): void;

  protected send(
    res: ServerResponse,
    status: number,
    body: string | object = '',
    headers: Record<string, string> = {},
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    res.writeHead(status, { ...(text ? { 'content-type': type } : {}), ...headers });
    res.end(text);
  }
}

/** Scripted answers, consumed in order; once used up, the fake answers with success. */
export class OutcomeScript<T> {
  private readonly queue: T[] = [];

  push(...outcomes: T[]): void {
    this.queue.push(...outcomes);
  }

  next(fallback: T): T {
    return this.queue.shift() ?? fallback;
  }
}
