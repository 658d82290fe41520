import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type PluginContext,
} from '../../src/plugin-sdk';

export type FaultMode = 'rate-limit' | 'server-error' | 'auth' | 'permanent' | 'timeout-after-send';

export interface FaultOptions {
  /** Leave out for a healthy but slow platform (latency only). */
  mode?: FaultMode;
  /** How many publish attempts per post fail before one succeeds (0 = every attempt fails). */
  times: number;
  /** Added delay per call, to simulate a slow platform: half before the post exists, half after. */
  latencyMs: number;
  /** Seconds a rate limit asks to wait. */
  retryAfterSeconds: number;
}

/**
 * Failure injection for tests and benchmarks: makes the sandbox behave like a platform that rate-limits,
 * errors, refuses credentials or times out after accepting a post. Attempts are counted per idempotency
 * key in the sandbox's durable state, so a restarted worker sees the same sequence.
 */
export class FaultInjector {
  constructor(
    private readonly context: PluginContext,
    private readonly options: Partial<FaultOptions> | undefined,
  ) {}

  /**
   * One leg of the round trip (half of `latencyMs`). The post is created between the request's leg and the
   * response's, so a worker that dies mid-flight may or may not have published, as on a real network.
   */
  async travel(): Promise<void> {
    const leg = (this.options?.latencyMs ?? 0) / 2;
    if (leg > 0) {
      await new Promise((resolve) => setTimeout(resolve, leg));
    }
  }

  /** Throws the configured fault before sending, or returns whether to throw after sending. */
  async before(idempotencyKey: string): Promise<'send' | 'send-then-timeout'> {
    const mode = this.options?.mode;
    if (!mode) {
      return 'send';
    }
    const key = `faults:${idempotencyKey}`;
    const attempts = ((await this.context.state.get<number>(key)) ?? 0) + 1;
    await this.context.state.set(key, attempts);
    const times = this.options?.times ?? 1;
    if (times > 0 && attempts > times) {
      return 'send';
    }
    switch (mode) {
      case 'rate-limit':
        throw new RateLimitedError(
          'sandbox: 429 Too Many Requests',
          new Date(this.context.clock.now().getTime() + (this.options?.retryAfterSeconds ?? 60) * 1000),
        );
      case 'server-error':
        throw new Error('sandbox: 503 Service Unavailable');
      case 'auth':
        throw new AuthenticationError('sandbox: 401 invalid token');
      case 'permanent':
        throw new PermanentError('sandbox: 422 text rejected');
      case 'timeout-after-send':
        return 'send-then-timeout';
    }
  }

  timeout(): never {
    throw new OutcomeUnknownError('sandbox: timed out after the request was sent');
  }
}
