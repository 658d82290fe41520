import type { ConnectorPlugin } from '../plugin-definition';
import type { TestPluginContext, TestPluginContextOptions } from './test-plugin-context';

/** A failure the platform produces for the next publish-type request (see `ConformancePlatform.injectFault`). */
export type ConformanceFault =
  /** 429 with the platform's reset header(s). */
  | { kind: 'rate-limited'; resetAt: Date }
  /** 401: the credentials were refused. */
  | { kind: 'unauthorized' }
  /** 403: the credentials lack a permission. */
  | { kind: 'forbidden' }
  /** A 4xx refusal of the post itself (400/422): retrying cannot help. */
  | { kind: 'refused'; status?: number }
  /** 500/502/503: the platform failed before acting on the request. */
  | { kind: 'server-error'; status?: number }
  /** No answer at all, and the post was not created: the connector gives up after its timeout. */
  | { kind: 'timeout' }
  /** The post IS created on the platform, but the answer never arrives (a crash or a timeout after sending). */
  | { kind: 'lost-answer' };

export type ConformanceFaultKind = ConformanceFault['kind'];

/** The platform (or the author's fake of it) the kit runs a connector against. */
export interface ConformancePlatform<Options> {
  /** Connector options pointing at this platform; read each time the kit creates a connector. */
  options: Options;
  /** The NEXT publish-type request gets this fault; later requests are answered normally. */
  injectFault(fault: ConformanceFault): Promise<void> | void;
  /** What the account holds right now: the kit counts posts by text to find duplicates. */
  posts(): Promise<Array<{ remoteId: string; text: string }>>;
  /** Someone writes to the account (a mention, a comment): enables the inbox checks. */
  addInboxItem?(item: { text: string; author?: string }): Promise<void>;
  close(): Promise<void>;
}

/** Every check the kit runs, by name (`skip` and the report use these). */
export const CONFORMANCE_CHECKS = [
  'publish-signature',
  'capabilities-match-methods',
  'idempotent-publish',
  'distinct-keys',
  'lookup-unknown-key',
  'lookup-after-lost-answer',
  'two-step-status',
  'rate-limited',
  'unauthorized',
  'forbidden',
  'refused',
  'server-error',
  'timeout',
  'text-limit',
  'delete',
  'inbox-cursor',
  'metrics-shape',
] as const;

export type ConformanceCheckName = (typeof CONFORMANCE_CHECKS)[number];

export interface ConnectorConformanceTarget<Options> {
  plugin: ConnectorPlugin<Options>;
  /**
   * Starts the platform (or the author's fake, usually behind `createFaultProxy`). `context` is the context every
   * connector of the run gets: an in-process platform may keep its data in `context.state`.
   */
  startPlatform(context: TestPluginContext): Promise<ConformancePlatform<Options>>;
  /** Checks not to run, each with the reason: reported as skipped, never silently. */
  skip?: Partial<Record<ConformanceCheckName, string>>;
  /** Longest a single check may take, in milliseconds (default 30,000). */
  timeoutMs?: number;
  /**
   * The longest any HTTP request of the connector may take, in milliseconds (default 2,000): the test context's
   * HTTP client caps every request's `timeoutMs` to it, so the `timeout` check does not wait 15 s.
   */
  requestTimeoutMs?: number;
  /**
   * Parts of the test context to replace, asked once per run: a database-backed state store (to run the kit on
   * the host's own store), a clock, an HTTP client. Default: an in-memory store, the real clock, fetch.
   */
  context?: () =>
    | Pick<TestPluginContextOptions, 'state' | 'clock' | 'http' | 'credentials'>
    | Promise<Pick<TestPluginContextOptions, 'state' | 'clock' | 'http' | 'credentials'>>;
}

export type ConformanceCheckStatus = 'passed' | 'failed' | 'skipped' | 'not-applicable' | 'not-run';

export interface ConformanceCheckResult {
  name: ConformanceCheckName;
  /** What the check proves, in a sentence. */
  title: string;
  status: ConformanceCheckStatus;
  /** Failed: what is wrong and how to fix it. Skipped, not applicable, not run: why. */
  problem?: string;
  /** Findings that are not failures (a declared limit that is merely conservative). */
  notes: string[];
  durationMs: number;
}

export interface ConformanceReport {
  plugin: string;
  /** True when no check failed. */
  passed: boolean;
  checks: ConformanceCheckResult[];
}
