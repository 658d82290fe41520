import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A fault for the next matching request, as a site (or its host) produces it. */
export type WordPressFault =
  /** WordPress acts on the request and answers; the answer is dropped with the connection (a crash). */
  | { kind: 'lose-answer' }
  /** WordPress acts on the request and answers; the answer is held until the client gives up (a timeout). */
  | { kind: 'hang-after-send' }
  /** An error answer before WordPress sees the request (500/503 from PHP-FPM or a proxy, 429 from a limiter). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown };

export interface WordPressFaultProxy {
  url: string;
  /** Faults for the next requests whose method and route match (in order). */
  fail(fault: WordPressFault): void;
  pendingFaults(): number;
  /** Requests that reached WordPress through the proxy, as "METHOD route". */
  readonly forwarded: string[];
  /** Every matching request, in order: the fault it met (or `forwarded`) and the time (`now`) it came. */
  readonly matched: Array<{ outcome: string; at: Date }>;
  close(): Promise<void>;
}

/** The REST route of a request, with plain permalinks (`?rest_route=/wp/v2/posts`) or pretty ones (`/wp-json/…`). */
export function routeOf(url: string): string {
  const parsed = new URL(url, 'http://proxy.invalid');
  return parsed.searchParams.get('rest_route') ?? parsed.pathname.replace(/^\/wp-json/, '');
}

/**
 * A reverse proxy in front of a real WordPress that sees the REST route (unlike the SDK's createFaultProxy, which
 * matches paths only: with plain permalinks every route is `/index.php?rest_route=…`). By default the faults hit
 * `POST /wp/v2/posts` (creating a post) only.
 */
export async function startWordPressFaultProxy(
  upstreamUrl: string,
  matches: (method: string, route: string) => boolean = (method, route) =>
    method === 'POST' && route === '/wp/v2/posts',
  now: () => Date = () => new Date(),
): Promise<WordPressFaultProxy> {
  const matched: Array<{ outcome: string; at: Date }> = [];
  const upstream = new URL(upstreamUrl);
  const faults: WordPressFault[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const route = routeOf(req.url ?? '/');
    const matching = matches(req.method ?? 'GET', route);
    const fault = matching ? faults.shift() : undefined;
    if (matching) {
      matched.push({
        outcome: fault ? (fault.kind === 'status' ? String(fault.status) : fault.kind) : 'forwarded',
        at: now(),
      });
    }
    if (fault?.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(
        JSON.stringify(
          fault.body ?? { code: `http_${fault.status}`, message: 'injected', data: { status: fault.status } },
        ),
      );
      return;
    }
    forwarded.push(`${req.method} ${route}`);
    pass(req, res, upstream, fault);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fail: (fault) => {
      faults.push(fault);
    },
    pendingFaults: () => faults.length,
    forwarded,
    matched,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pass(req: IncomingMessage, res: ServerResponse, upstream: URL, fault?: WordPressFault): void {
  const outgoing = forward(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      if (fault?.kind === 'lose-answer') {
        answer.resume();
        answer.on('end', () => req.socket.destroy());
        return;
      }
      if (fault?.kind === 'hang-after-send') {
        answer.resume(); // WordPress has answered; the client hears nothing until it gives up
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502);
    }
    res.end();
  });
  req.pipe(outgoing);
}
