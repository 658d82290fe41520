import type { PluginHttpClient, PluginHttpRequest, PluginHttpResponse } from '../plugin-sdk';

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The HTTP client plugins get: fetch with a timeout on every request, so a hanging platform API can never
 * hold a worker forever, and a User-Agent that names Metronome and the plugin.
 */
export function createPluginHttpClient(plugin: string, version: string): PluginHttpClient {
  return {
    async request(url: string, init: PluginHttpRequest = {}): Promise<PluginHttpResponse> {
      const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      let response: Response;
      try {
        response = await fetch(url, {
          method: init.method ?? 'GET',
          headers: { 'user-agent': `Metronome/${version} (plugin ${plugin})`, ...init.headers },
          body: init.body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'follow',
        });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `timed out after ${timeoutMs} ms`
            : (error as Error).message;
        throw new Error(`${init.method ?? 'GET'} ${new URL(url).origin}: ${reason}`, { cause: error });
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return {
        status: response.status,
        headers,
        text: () => response.text(),
        json: <T>() => response.json() as Promise<T>,
        bytes: async () => new Uint8Array(await response.arrayBuffer()),
      };
    },
  };
}
