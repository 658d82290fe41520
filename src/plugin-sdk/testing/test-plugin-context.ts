import type {
  PluginContext,
  PluginHttpClient,
  PluginHttpRequest,
  PluginHttpResponse,
  PluginLogger,
  PluginStateStore,
} from '../plugin-context';
import type { PluginCredentials } from '../oauth';
import { createMemoryStateStore } from './memory-state-store';

export interface CapturedLogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** A plugin context for tests: what the host gives a plugin, with the log lines kept for assertions. */
export interface TestPluginContext extends PluginContext {
  /** Every line the plugin logged, in order. */
  readonly logs: CapturedLogLine[];
}

export interface TestPluginContextOptions {
  /** The plugin's name (default "test-plugin") and the scope (default "test/channel"). */
  plugin?: string;
  scope?: string;
  /** The time the plugin sees. Default: the real clock. */
  clock?: () => Date;
  /** Default: a fresh in-memory store with the database store's behaviour (JSON values, prefix lists). */
  state?: PluginStateStore;
  /** Default: fetch with a timeout on every request, like the host's client. */
  http?: PluginHttpClient;
  /** The channel's OAuth tokens, for connectors that declare `oauth` (see createMemoryCredentials). */
  credentials?: PluginCredentials;
  /** Caps every request's `timeoutMs` (default: no cap; the request's own or 15,000 ms). */
  maxRequestTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** An in-memory state store, a real HTTP client (fetch with timeouts) and a logger that keeps its lines. */
export function createTestPluginContext(options: TestPluginContextOptions = {}): TestPluginContext {
  const logs: CapturedLogLine[] = [];
  const line =
    (level: CapturedLogLine['level']) =>
    (message: string, data?: Record<string, unknown>): void => {
      logs.push(data === undefined ? { level, message } : { level, message, data });
    };
  const logger: PluginLogger = {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
  };
  const clock = options.clock ?? (() => new Date());
  return {
    plugin: options.plugin ?? 'test-plugin',
    scope: options.scope ?? 'test/channel',
    logger,
    http: options.http ?? createFetchHttpClient(options.plugin ?? 'test-plugin', options.maxRequestTimeoutMs),
    state: options.state ?? createMemoryStateStore(),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    clock: { now: clock },
    logs,
  };
}

/**
 * The host's HTTP client, rebuilt on fetch: the timeout covers the whole exchange (headers and body), and a
 * failure is an Error naming the method and origin with the network error as its `cause` (codes like ECONNRESET
 * stay readable through `networkErrorCode`).
 */
export function createFetchHttpClient(plugin: string, maxTimeoutMs?: number): PluginHttpClient {
  return {
    async request(url: string, init: PluginHttpRequest = {}): Promise<PluginHttpResponse> {
      const wanted = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const timeoutMs = maxTimeoutMs === undefined ? wanted : Math.min(wanted, maxTimeoutMs);
      const method = init.method ?? 'GET';
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: { 'user-agent': `Metronome-conformance (plugin ${plugin})`, ...init.headers },
          body: init.body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'follow',
        });
      } catch (error) {
        const reason =
          (error as Error).name === 'TimeoutError'
            ? `timed out after ${timeoutMs} ms`
            : (error as Error).message;
        throw new Error(`${method} ${new URL(url).origin}: ${reason}`, { cause: error });
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
