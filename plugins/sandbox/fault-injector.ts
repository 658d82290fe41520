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
  /** refreshCredentials() renews (true), refuses (false) or throws; absent: the connector has none. */
  refresh?: 'renews' | 'refuses' | 'throws';
  /** refuse: updateProfile is rejected by the platform. */
  updateProfile?: 'accept' | 'refuse';
  /** The account's rate limit: `posts` per window of `windowSeconds`, whatever the post. */
  budget?: { posts: number; windowSeconds: number };
  /** Read a one-shot fault (NEXT_FAULT_STATE_KEY) before each publish: the conformance kit's faults. */
  injectable?: boolean;
}

/**
 * A fault for the next publish only, written to the sandbox's state under NEXT_FAULT_STATE_KEY (the conformance
 * kit's `injectFault`) and read only with the option `faults.injectable`. `timeout-before-send`: no answer, and nothing was published.
 */
export interface NextFault {
  mode: FaultMode | 'timeout-before-send';
  /** For `rate-limit`: when the platform's window resets (ISO 8601). */
  retryAt?: string;
}
export const NEXT_FAULT_STATE_KEY = 'fault:next';

/** The account's rate-limit window, kept in the sandbox's durable state. */
interface BudgetWindow {
  start: number;
  used: number;
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
    await this.spendBudget();
    const next = this.options?.injectable
      ? await this.context.state.get<NextFault>(NEXT_FAULT_STATE_KEY)
      : undefined;
    if (next) {
      await this.context.state.delete(NEXT_FAULT_STATE_KEY);
      return this.fail(next.mode, next.retryAt ? new Date(next.retryAt) : undefined);
    }
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
    return this.fail(mode);
  }

  private fail(mode: NextFault['mode'], retryAt?: Date): 'send-then-timeout' {
    switch (mode) {
      case 'rate-limit':
        throw new RateLimitedError(
          'sandbox: 429 Too Many Requests',
          retryAt ??
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
      case 'timeout-before-send':
        throw new OutcomeUnknownError('sandbox: timed out before the request arrived');
    }
  }

  /**
   * Spends one post of the account's window, or refuses with a 429 whose reset is the window's end rounded down
   * to the whole second (so a retry at exactly that second is refused again, as by a real PDS). Refusals are
   * counted in the state (`budget:refused`) for tests.
   */
  private spendBudget(): Promise<void> {
    // One at a time in this process: concurrent sends must not all read the same count (a real platform counts
    // atomically).
    const turn = this.budgetTurn.then(() => this.spendBudgetNow());
    this.budgetTurn = turn.catch(() => undefined);
    return turn;
  }

  private budgetTurn: Promise<unknown> = Promise.resolve();

  private async spendBudgetNow(): Promise<void> {
    const budget = this.options?.budget;
    if (!budget) {
      return;
    }
    const now = this.context.clock.now().getTime();
    const windowMs = budget.windowSeconds * 1000;
    const saved = await this.context.state.get<BudgetWindow>('budget:window');
    const window = saved && saved.start + windowMs > now ? saved : { start: now, used: 0 };
    if (window.used >= budget.posts) {
      await this.context.state.set(
        'budget:refused',
        ((await this.context.state.get<number>('budget:refused')) ?? 0) + 1,
      );
      const reset = Math.floor((window.start + windowMs) / 1000) * 1000;
      throw new RateLimitedError(
        `sandbox: 429 Too Many Requests (${budget.posts} posts per ${budget.windowSeconds} s)`,
        new Date(reset),
      );
    }
    await this.context.state.set('budget:window', { start: window.start, used: window.used + 1 });
  }

  /**
   * refreshCredentials() of a sandbox configured with `faults.refresh`: counted in the state (`credentials:refreshes`)
   * for tests. Whether the send after a renewal goes through is the `auth` fault's `times`, as for any attempt.
   */
  async refreshCredentials(mode: 'renews' | 'refuses' | 'throws'): Promise<boolean> {
    await this.count('credentials:refreshes');
    if (mode === 'throws') {
      throw new Error('sandbox: token endpoint unreachable');
    }
    return mode === 'renews';
  }

  /** Counts updateProfile calls in the state (`profile:updates`), for tests. */
  async recordProfileUpdate(): Promise<void> {
    await this.count('profile:updates');
  }

  private async count(key: string): Promise<void> {
    await this.context.state.set(key, ((await this.context.state.get<number>(key)) ?? 0) + 1);
  }

  timeout(): never {
    throw new OutcomeUnknownError('sandbox: timed out after the request was sent');
  }
}
