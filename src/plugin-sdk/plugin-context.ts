/** What the host gives every plugin instance. Plugins reach the outside world only through this. */
export interface PluginContext {
  /** The plugin's own name, and the channel/notifier id this instance serves. */
  readonly plugin: string;
  readonly scope: string;
  readonly logger: PluginLogger;
  readonly http: PluginHttpClient;
  /** Durable key/value storage private to this plugin and scope (e.g. one channel): cursors, sessions. */
  readonly state: PluginStateStore;
  readonly clock: PluginClock;
}

export interface PluginLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface PluginHttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Milliseconds before the request is aborted. Default 15 000. */
  timeoutMs?: number;
}

export interface PluginHttpResponse {
  status: number;
  headers: Record<string, string>;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
  bytes(): Promise<Uint8Array>;
}

export interface PluginHttpClient {
  request(url: string, init?: PluginHttpRequest): Promise<PluginHttpResponse>;
}

export interface PluginStateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /**
   * Stores `value` unless the key already holds one, in one step that concurrent writers cannot interleave.
   * Returns the value already there (and leaves it), or undefined when `value` was stored. (SDK 1.1)
   */
  setIfAbsent<T = unknown>(key: string, value: T): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /** Keys (with values) that start with a prefix, in key order. */
  list<T = unknown>(prefix: string): Promise<Array<{ key: string; value: T }>>;
}

export interface PluginClock {
  now(): Date;
}
