import { InProcessRateBudget, STAGGER_MS } from './rate-budget';

describe('in-process rate budget', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 9) + ms);

  it('spaces sends 60 s / perMinute apart and books the slot it names', async () => {
    const budget = new InProcessRateBudget();
    expect(await budget.take('bsky', 30, at(0), 'a')).toBe(0);
    expect(await budget.take('bsky', 30, at(500), 'b')).toBe(1500);
    // The next one queues behind b's booked slot instead of being told the same instant.
    expect(await budget.take('bsky', 30, at(500), 'c')).toBe(3500);
    // b comes back at its slot: it goes, without booking another.
    expect(await budget.take('bsky', 30, at(2000), 'b')).toBe(0);
    expect(await budget.take('bsky', 30, at(2000), 'd')).toBe(4000);
    expect(await budget.take('bsky', 30, at(4000), 'c')).toBe(0);
  });

  it('keeps each channel on its own budget', async () => {
    const budget = new InProcessRateBudget();
    expect(await budget.take('bsky', 1, at(0), 'a')).toBe(0);
    expect(await budget.take('mastodon', 1, at(0), 'b')).toBe(0);
    expect(await budget.take('bsky', 1, at(0), 'c')).toBe(60_000);
  });

  it('holds a blocked channel until the block ends, then releases its posts a step apart', async () => {
    const budget = new InProcessRateBudget();
    expect(await budget.take('bsky', undefined, at(0), 'a')).toBe(0);
    expect(await budget.block('bsky', at(10_000), at(0))).toBe(true);
    // A second 429 during the block extends it but is not a new block (logged once).
    expect(await budget.block('bsky', at(12_000), at(100))).toBe(false);
    expect(await budget.block('bsky', at(11_000), at(200))).toBe(false);
    expect(await budget.lastBlock('bsky')).toEqual({ since: at(0).getTime(), until: at(12_000).getTime() });
    const waits = [];
    for (const holder of ['b', 'c', 'd']) {
      waits.push(await budget.take('bsky', undefined, at(300), holder));
    }
    expect(waits).toEqual([11_700, 11_700 + STAGGER_MS, 11_700 + 2 * STAGGER_MS]);
    expect(await budget.take('bsky', undefined, at(12_000 + STAGGER_MS), 'c')).toBe(0);
    // After the block a channel without perMinute is free again.
    expect(await budget.take('bsky', undefined, at(20_000), 'e')).toBe(0);
    expect(await budget.block('bsky', at(30_000), at(25_000))).toBe(true);
  });
});

describe('in-process rate budget, a block after slots were booked', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 9) + ms);

  it('voids a booked slot that falls in a new block: the holder queues behind it', async () => {
    const budget = new InProcessRateBudget();
    await budget.block('bsky', at(1000), at(0));
    expect(await budget.take('bsky', undefined, at(0), 'a')).toBe(1000);
    await budget.block('bsky', at(60_000), at(1000));
    expect(await budget.take('bsky', undefined, at(1000), 'a')).toBe(59_000);
  });
});
