import { InProcessRateBudget } from './rate-budget';

describe('in-process rate budget', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 9) + ms);

  it('spaces sends 60 s / perMinute apart and says how long to wait', async () => {
    const budget = new InProcessRateBudget();
    expect(await budget.take('bsky', 30, at(0))).toBe(0);
    expect(await budget.take('bsky', 30, at(500))).toBe(1500);
    expect(await budget.take('bsky', 30, at(2000))).toBe(0);
    expect(await budget.take('bsky', 30, at(2001))).toBe(1999);
  });

  it('keeps each channel on its own budget', async () => {
    const budget = new InProcessRateBudget();
    expect(await budget.take('bsky', 1, at(0))).toBe(0);
    expect(await budget.take('mastodon', 1, at(0))).toBe(0);
    expect(await budget.take('bsky', 1, at(0))).toBe(60_000);
  });
});
