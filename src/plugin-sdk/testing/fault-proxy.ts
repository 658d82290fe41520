import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ConformanceFault, ConformanceFaultKind } from './conformance-types';

/** How the proxy's faults look, per platform. Every field has a default that suits most HTTP APIs. */
export interface FaultAnswers {
  /**
   * Which requests are "publish-type" and get the next fault. Default: POST, PUT and PATCH. Narrow it when the
   * connector also writes to sign in (Bluesky's createSession): `({ path }) => path.endsWith('.createRecord')`.
   */
  matches(request: { method: string; path: string }): boolean;
  /**
   * The headers of a 429. Default: `retry-after` (seconds, rounded up), `ratelimit-reset` (epoch seconds, rounded
   * DOWN like a Bluesky PDS), `ratelimit-limit`/`-remaining`, and `x-ratelimit-reset` (ISO 8601, rounded down to
   * the second, like Mastodon).
   */
  rateLimitHeaders(resetAt: Date, now: Date): Record<string, string>;
  /** The JSON body of an error answer. Default: `{ "error": <name>, "message": <text> }` (XRPC and Mastodon style). */
  errorBody(status: number, kind: ConformanceFaultKind): unknown;
}

export interface FaultProxy {
  /** The proxy's root address, e.g. http://127.0.0.1:41235: give it to the connector instead of the platform's. */
  readonly url: string;
  /** The next publish-type request gets this fault (faults queue in order). */
  injectFault(fault: ConformanceFault): void;
  /** Faults injected but not yet taken by a request: not zero after a publish means the matcher missed it. */
  pendingFaults(): number;
  /** Stops listening and drops every connection (held ones included). */
  close(): Promise<void>;
}

const ERROR_NAMES: Record<number, string> = {
  400: 'InvalidRequest',
  401: 'AuthenticationRequired',
  403: 'Forbidden',
  422: 'UnprocessableEntity',
  429: 'RateLimitExceeded',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

export const DEFAULT_FAULT_ANSWERS: FaultAnswers = {
  matches: ({ method }) => method === 'POST' || method === 'PUT' || method === 'PATCH',
  rateLimitHeaders: (resetAt, now) => {
    const resetSeconds = Math.floor(resetAt.getTime() / 1000);
    return {
      'retry-after': String(Math.max(0, Math.ceil((resetAt.getTime() - now.getTime()) / 1000))),
      'ratelimit-limit': '100',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(resetSeconds),
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': new Date(resetSeconds * 1000).toISOString(),
    };
  },
  errorBody: (status, kind) => ({
    error: ERROR_NAMES[status] ?? `Http${status}`,
    message: `conformance kit: injected ${kind} fault (${status})`,
  }),
};

/**
 * An HTTP reverse proxy on 127.0.0.1 in front of a platform (or the author's fake): forwards everything, except
 * that the next publish-type request after `injectFault` gets the fault instead. A generic way to test any HTTP
 * connector's error handling against the real thing.
 */
export async function createFaultProxy(
  upstreamUrl: string,
  answers: Partial<FaultAnswers> = {},
): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  if (upstream.protocol !== 'http:') {
    throw new Error(
      `createFaultProxy("${upstreamUrl}"): the upstream must be a plain http:// address (a local fake or test server)`,
    );
  }
  const how: FaultAnswers = { ...DEFAULT_FAULT_ANSWERS, ...answers };
  const faults: ConformanceFault[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    const fault = how.matches({ method: req.method ?? 'GET', path }) ? faults.shift() : undefined;
    if (!fault) {
      pass(req, res, upstream);
      return;
    }
    answerFault(fault, req, res, upstream, how);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    injectFault: (fault) => {
      faults.push(fault);
    },
    pendingFaults: () => faults.length,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function answerFault(
  fault: ConformanceFault,
  req: IncomingMessage,
  res: ServerResponse,
  upstream: URL,
  how: FaultAnswers,
): void {
  const answer = (status: number, headers: Record<string, string> = {}) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(how.errorBody(status, fault.kind)));
  };
  switch (fault.kind) {
    case 'rate-limited':
      answer(429, how.rateLimitHeaders(fault.resetAt, new Date()));
      return;
    case 'unauthorized':
      answer(401);
      return;
    case 'forbidden':
      answer(403);
      return;
    case 'refused':
      answer(fault.status ?? 400);
      return;
    case 'server-error':
      answer(fault.status ?? 503);
      return;
    case 'timeout':
      // Read the request and never answer: the connector's own timeout must end it. Nothing reaches the platform.
      req.resume();
      return;
    case 'lost-answer':
      // The platform gets the request and answers; the answer is dropped with the connection, as by a crash.
      pass(req, res, upstream, () => req.socket.destroy());
      return;
  }
}

/** Forwards one request to the upstream; `onAnswered` replaces delivering the answer when given. */
function pass(req: IncomingMessage, res: ServerResponse, upstream: URL, onAnswered?: () => void): void {
  const outgoing = forward(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      if (onAnswered) {
        answer.resume();
        answer.on('end', onAnswered);
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'BadGateway', message: `fault proxy: upstream failed: ${error.message}` }),
      );
    } else {
      res.destroy();
    }
  });
  req.pipe(outgoing);
}
