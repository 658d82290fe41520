import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestPluginContext } from './test-plugin-context';

describe('createTestPluginContext', () => {
  it('keeps state as the database store does: JSON values, literal prefixes in key order, setIfAbsent', async () => {
    const { state } = createTestPluginContext();
    await state.set('post:b', { at: new Date('2026-12-01T09:00:00Z') });
    await state.set('post:a', 1);
    await state.set('posts', 2);
    expect(await state.get('post:b')).toEqual({ at: '2026-12-01T09:00:00.000Z' });
    expect(await state.list('post:')).toEqual([
      { key: 'post:a', value: 1 },
      { key: 'post:b', value: { at: '2026-12-01T09:00:00.000Z' } },
    ]);
    expect(await state.setIfAbsent('post:a', 3)).toBe(1);
    expect(await state.setIfAbsent('post:c', 3)).toBeUndefined();
    expect(await state.get('post:c')).toBe(3);
    await state.delete('post:c');
    expect(await state.get('post:c')).toBeUndefined();
    await expect(state.set('nothing', undefined)).rejects.toThrow(
      'state.set("nothing"): the value must be JSON (got undefined); use state.delete to remove',
    );
  });

  it('captures log lines and uses the given clock', () => {
    const context = createTestPluginContext({ plugin: 'acme', clock: () => new Date(0) });
    context.logger.warn('slow', { ms: 3 });
    context.logger.info('done');
    expect(context.logs).toEqual([
      { level: 'warn', message: 'slow', data: { ms: 3 } },
      { level: 'info', message: 'done' },
    ]);
    expect(context.clock.now()).toEqual(new Date(0));
    expect(context.plugin).toBe('acme');
  });

  describe('HTTP', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Answers /fast at once and never answers anything else.
      server = createServer((req, res) => {
        if (req.url === '/fast') {
          res.writeHead(201, { 'x-answer': 'yes' }).end('{"ok":true}');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('makes real requests and reads the answer', async () => {
      const response = await createTestPluginContext().http.request(`${url}/fast`, {
        method: 'POST',
        body: 'x',
      });
      expect(response.status).toBe(201);
      expect(response.headers['x-answer']).toBe('yes');
      expect(await response.json()).toEqual({ ok: true });
    });

    it('caps every request’s timeout to maxRequestTimeoutMs, naming the method and origin', async () => {
      const { http } = createTestPluginContext({ maxRequestTimeoutMs: 100 });
      await expect(http.request(`${url}/hang`, { method: 'POST', timeoutMs: 60_000 })).rejects.toThrow(
        `POST ${url}: timed out after 100 ms`,
      );
    });
  });
});
