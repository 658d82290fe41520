import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A post the endpoint holds. */
export interface EndpointPost {
  id: string;
  idempotencyKey: string;
  text: string;
  scheduledAt?: string;
  extra?: unknown;
}

/**
 * A contract fake of the endpoint the http-post connector publishes to, answering as its contract says:
 * `POST /posts` stores a post (201) unless its Idempotency-Key header was seen, then it answers the first post (200);
 * `GET /posts?idempotencyKey=` lists the posts with that key; `DELETE /posts/:id` removes one (404 when it is not
 * there). With a `token`, a request without "Authorization: Bearer <token>" gets 401.
 */
export class HttpPostEndpointFake {
  private readonly stored: EndpointPost[] = [];
  private server?: Server;
  private nextId = 1;
  /** Every request's method, path and Idempotency-Key, in order. */
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];

  /** Answers for the next requests, instead of the contract's: an error status, or `hang` (no answer at all). */
  private readonly faults: Array<
    { status: number; headers?: Record<string, string>; body?: unknown } | 'hang'
  > = [];

  constructor(private readonly token?: string) {}

  /** The next request gets this answer instead (and changes nothing); `hang` never answers it. */
  failNext(fault: { status: number; headers?: Record<string, string>; body?: unknown } | 'hang'): void {
    this.faults.push(fault);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  posts(): EndpointPost[] {
    return [...this.stored];
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, idempotencyKey });
    const reply = (status: number, json?: unknown) => {
      res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const fault = this.faults.shift();
    if (fault === 'hang') {
      return;
    }
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(
        JSON.stringify(fault.body ?? { code: `http-${fault.status}`, message: 'injected by the test' }),
      );
      return;
    }
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`) {
      return reply(401, { code: 'unauthorized', message: 'missing or wrong bearer token' });
    }
    const view = (post: EndpointPost) => ({ id: post.id, url: `${this.baseUrl}/p/${post.id}` });
    if (req.method === 'POST' && url.pathname === '/posts') {
      if (!idempotencyKey) {
        return reply(400, { code: 'missing-idempotency-key', message: 'send an Idempotency-Key header' });
      }
      const first = this.stored.find((post) => post.idempotencyKey === idempotencyKey);
      if (first) {
        return reply(200, view(first));
      }
      let parsed: { text?: unknown; scheduledAt?: unknown; extra?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return reply(400, { code: 'invalid-json', message: 'the body is not JSON' });
      }
      if (typeof parsed.text !== 'string' || parsed.text === '') {
        return reply(422, { code: 'empty-text', message: 'a post needs a non-empty "text"' });
      }
      const post: EndpointPost = {
        id: `p${this.nextId++}`,
        idempotencyKey,
        text: parsed.text,
        scheduledAt: typeof parsed.scheduledAt === 'string' ? parsed.scheduledAt : undefined,
        extra: parsed.extra,
      };
      this.stored.push(post);
      return reply(201, view(post));
    }
    if (req.method === 'GET' && url.pathname === '/posts') {
      const wanted = url.searchParams.get('idempotencyKey');
      return reply(
        200,
        this.stored.filter((post) => wanted === null || post.idempotencyKey === wanted).map(view),
      );
    }
    const match = /^\/posts\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'DELETE' && match) {
      const index = this.stored.findIndex((post) => post.id === decodeURIComponent(match[1]));
      if (index < 0) {
        return reply(404, { code: 'not-found', message: 'no such post' });
      }
      this.stored.splice(index, 1);
      return reply(204);
    }
    return reply(404, { code: 'not-found', message: `no route ${req.method} ${url.pathname}` });
  }
}
