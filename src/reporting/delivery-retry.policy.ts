/** A failed delivery is tried again 5 min later, then 10, 20 and 40: five attempts in all. */
export const DELIVERY_MAX_ATTEMPTS = 5;
export const DELIVERY_FIRST_RETRY_MS = 5 * 60_000;
/** How long a worker may take to deliver a claimed report before another worker takes it over. */
export const DELIVERY_CLAIM_MS = 10 * 60_000;

/** When attempt `attempts + 1` is due after `attempts` failed ones, or undefined when they are spent. */
export function nextDeliveryAt(attempts: number, failedAt: Date): Date | undefined {
  if (attempts >= DELIVERY_MAX_ATTEMPTS) {
    return undefined;
  }
  return new Date(failedAt.getTime() + DELIVERY_FIRST_RETRY_MS * 2 ** (attempts - 1));
}
