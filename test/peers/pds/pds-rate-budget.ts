/** The PDS's `global-ip` window as its last answer told it. */
export interface PdsWindow {
  /** Points left in the window. */
  remaining: number;
  /** When the window resets, as the PDS says it: RateLimit-Reset, whole seconds rounded down. */
  resetAt: Date;
}

async function cheapCall(pdsUrl: string): Promise<PdsWindow> {
  const response = await fetch(`${pdsUrl}/xrpc/com.atproto.server.describeServer`);
  await response.arrayBuffer();
  const remaining = Number(response.headers.get('ratelimit-remaining'));
  const reset = Number(response.headers.get('ratelimit-reset'));
  if (!Number.isFinite(remaining) || !Number.isFinite(reset) || reset === 0) {
    throw new Error(
      `describeServer on ${pdsUrl} answered ${response.status} without RateLimit-* headers: are its rate limits on?`,
    );
  }
  return { remaining, resetAt: new Date(reset * 1000) };
}

/**
 * Spends the PDS's per-IP budget (3,000 points per 5 minutes, one per XRPC call) with cheap calls until only
 * `leave` points are left, the way other clients behind the same address would: what comes next from this
 * address meets real 429s until the window resets. Many calls at once while far from the goal, one at a time
 * near it, so it stops exactly.
 */
export async function spendPdsBudget(pdsUrl: string, leave: number): Promise<PdsWindow> {
  let window = await cheapCall(pdsUrl);
  while (window.remaining > leave) {
    const parallel = Math.max(1, Math.min(16, Math.floor((window.remaining - leave) / 2)));
    const answers = await Promise.all(Array.from({ length: parallel }, () => cheapCall(pdsUrl)));
    window = answers.reduce((least, answer) => (answer.remaining < least.remaining ? answer : least));
  }
  return window;
}
