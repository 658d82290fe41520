import { DELIVERY_MAX_ATTEMPTS, nextDeliveryAt } from './delivery-retry.policy';

describe('report delivery retry policy', () => {
  const at = new Date('2026-11-02T07:00:00Z');
  const minutesAfter = (attempts: number) => {
    const next = nextDeliveryAt(attempts, at);
    return next && (next.getTime() - at.getTime()) / 60_000;
  };

  it('waits 5 minutes, then doubles', () => {
    expect([1, 2, 3, 4].map(minutesAfter)).toEqual([5, 10, 20, 40]);
  });

  it('gives up after the last attempt', () => {
    expect(nextDeliveryAt(DELIVERY_MAX_ATTEMPTS, at)).toBeUndefined();
    expect(DELIVERY_MAX_ATTEMPTS).toBe(5);
  });
});
