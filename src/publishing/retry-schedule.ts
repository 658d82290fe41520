/** Exponential backoff with full jitter: 30 s, 1 min, 2 min… capped at 30 min, randomised to spread retries. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export const MAX_PUBLISH_ATTEMPTS = 5;
