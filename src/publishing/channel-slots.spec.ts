import { ChannelSlots } from './channel-slots';

describe('channel slots', () => {
  it('runs at most `limit` publishes at once per channel, the others wait their turn', async () => {
    const slots = new ChannelSlots();
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const releases: Array<() => void> = [];
    const work = (channel: string) =>
      slots.run(channel, 2, async () => {
        running.set(channel, (running.get(channel) ?? 0) + 1);
        peak.set(channel, Math.max(peak.get(channel) ?? 0, running.get(channel) ?? 0));
        await new Promise<void>((resolve) => releases.push(resolve));
        running.set(channel, (running.get(channel) ?? 0) - 1);
      });
    const all = Promise.all([work('a'), work('a'), work('a'), work('a'), work('b')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(running.get('a')).toBe(2);
    expect(running.get('b')).toBe(1);
    while (releases.length > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await all;
    expect(peak.get('a')).toBe(2);
    expect(running.get('a')).toBe(0);
  });
});
