import type { PluginMediaLinks } from './media-url';
import type { PluginCredentials } from './oauth';

/** What the host gives every plugin instance. Plugins reach the outside world only through this. */
export interface PluginContext {
  /** The plugin's own name, and the channel/notifier id this instance serves. */
  readonly plugin: string;
  readonly scope: string;
  readonly logger: PluginLogger;
  readonly http: PluginHttpClient;
  /**
   * POSTs to a receiver URL from the configuration (webhooks, chat incoming webhooks): only to public
   * addresses unless the operator allowed the target (`network.allowInternalTargets`), checked after DNS
   * resolution and on every redirect, and signed per Standard Webhooks when `signing` is given. (SDK 1.2;
   * the host always provides it, optional only so hand-made contexts in tests need not.)
   */
  readonly webhooks?: PluginWebhookClient;
  /**
   * Signed, expiring URLs that serve one media file at the configured `organisation.publicUrl`, for platforms that
   * fetch media themselves. (SDK 2; the host always provides it, optional so hand-made contexts in tests need not:
   * read it with `mediaLinksOf(context)`.)
   */
  readonly media?: PluginMediaLinks;
  /**
   * The channel's OAuth tokens, for connectors whose plugin declares `oauth` (SDK 2.1; read them with
   * `credentialsOf(context)`). Absent for other plugins and in hand-made test contexts.
   */
  readonly credentials?: PluginCredentials;
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

export interface PluginWebhookRequest {
  body: string;
  headers?: Record<string, string>;
  /** Milliseconds before the request is aborted. Default 15 000. */
  timeoutMs?: number;
  /**
   * Adds webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks): `id` must stay the same
   * on every retry of one message, so receivers can drop duplicates.
   */
  signing?: { id: string; secret: string };
}

export interface PluginWebhookClient {
  /** Refused targets throw a PermanentError naming the address and the setting that would allow it. */
  post(url: string, request: PluginWebhookRequest): Promise<PluginHttpResponse>;
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

/** The context's webhook client; a host older than SDK 1.2 has none, and the plugin says so. */
export function webhooksOf(context: PluginContext): PluginWebhookClient {
  if (!context.webhooks) {
    throw new Error(
      `plugin ${context.plugin}: this Metronome gives plugins no webhook client (SDK 1.2 needed)`,
    );
  }
  return context.webhooks;
}
