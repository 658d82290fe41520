import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaultProxy, type FaultProxy } from './fault-proxy';

interface Received {
  method: string;
  url: string;
  body: string;
  authorization?: string;
}

/** A real upstream on loopback that records what reached it and answers 200 with a JSON echo. */
async function startUpstream(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString(),
        authorization: req.headers.authorization,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' });
      res.end(JSON.stringify({ id: String(received.length) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

describe('createFaultProxy', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: FaultProxy;

  beforeEach(async () => {
    upstream = await startUpstream();
    proxy = await createFaultProxy(upstream.url);
  });

  afterEach(async () => {
    await proxy.close();
    upstream.server.closeAllConnections();
    await new Promise((resolve) => upstream.server.close(resolve));
  });

  const post = (path = '/api/posts?x=1') =>
    fetch(`${proxy.url}${path}`, {
      method: 'POST',
      body: 'text=hello',
      headers: { authorization: 'Bearer t' },
    });

  it('forwards requests as they are and answers what the upstream answered', async () => {
    const response = await post();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    expect(await response.json()).toEqual({ id: '1' });
    expect(upstream.received).toEqual([
      { method: 'POST', url: '/api/posts?x=1', body: 'text=hello', authorization: 'Bearer t' },
    ]);
  });

  it('answers the next write with a 429 whose reset is rounded down, then forwards again', async () => {
    const resetAt = new Date(Date.now() + 90_500);
    proxy.injectFault({ kind: 'rate-limited', resetAt });
    const reads = await fetch(`${proxy.url}/api/timeline`);
    expect(reads.status).toBe(200);
    const limited = await post();
    expect(limited.status).toBe(429);
    const resetSeconds = Math.floor(resetAt.getTime() / 1000);
    expect(limited.headers.get('ratelimit-reset')).toBe(String(resetSeconds));
    expect(limited.headers.get('x-ratelimit-reset')).toBe(new Date(resetSeconds * 1000).toISOString());
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(90);
    expect(await limited.json()).toMatchObject({ error: 'RateLimitExceeded' });
    expect((await post()).status).toBe(200);
    expect(upstream.received.map((request) => request.method)).toEqual(['GET', 'POST']);
    expect(proxy.pendingFaults()).toBe(0);
  });

  it.each([
    [{ kind: 'unauthorized' } as const, 401, 'AuthenticationRequired'],
    [{ kind: 'forbidden' } as const, 403, 'Forbidden'],
    [{ kind: 'refused' } as const, 400, 'InvalidRequest'],
    [{ kind: 'refused', status: 422 } as const, 422, 'UnprocessableEntity'],
    [{ kind: 'server-error' } as const, 503, 'ServiceUnavailable'],
    [{ kind: 'server-error', status: 500 } as const, 500, 'InternalServerError'],
  ])(
    'answers %j with %i and a JSON error body, without reaching the upstream',
    async (fault, status, error) => {
      proxy.injectFault(fault);
      const response = await post();
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({
        error,
        message: `conformance kit: injected ${fault.kind} fault (${status})`,
      });
      expect(upstream.received).toEqual([]);
    },
  );

  it('never answers a timeout, and the request never reaches the upstream', async () => {
    proxy.injectFault({ kind: 'timeout' });
    await expect(
      fetch(`${proxy.url}/api/posts`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(upstream.received).toEqual([]);
  });

  it('loses the answer of a request the upstream did receive and act on', async () => {
    proxy.injectFault({ kind: 'lost-answer' });
    await expect(post()).rejects.toThrow(/fetch failed/);
    expect(upstream.received).toHaveLength(1);
  });

  it('takes a platform’s matcher and headers, and says when a fault was never taken', async () => {
    await proxy.close();
    proxy = await createFaultProxy(upstream.url, {
      matches: ({ path }) => path.endsWith('.createRecord'),
      rateLimitHeaders: (resetAt) => ({ 'ratelimit-reset': String(resetAt.getTime()) }),
    });
    proxy.injectFault({ kind: 'rate-limited', resetAt: new Date(5_000_000) });
    expect((await post('/xrpc/com.atproto.server.createSession')).status).toBe(200);
    expect(proxy.pendingFaults()).toBe(1);
    const limited = await post('/xrpc/com.atproto.repo.createRecord');
    expect(limited.headers.get('ratelimit-reset')).toBe('5000000');
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('refuses an upstream it cannot forward to, saying what it needs', async () => {
    await expect(createFaultProxy('https://bsky.social')).rejects.toThrow(
      'createFaultProxy("https://bsky.social"): the upstream must be a plain http:// address (a local fake or test server)',
    );
  });
});
