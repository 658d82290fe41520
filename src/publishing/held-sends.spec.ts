import { SYSTEM_CLOCK } from '../clock/clock';
import type { ChannelEntity } from '../channels/channel.entity';
import type { PostVariantEntity } from './post-variant.entity';
import { HeldSends } from './held-sends';
import type { VariantPublisher } from './variant-publisher.service';
import type { DueVariant } from './due-variant';

/** A publisher that records what it was asked, on a clock the test moves. */
function fakePublisher(clock: () => number, fail: Set<string> = new Set()) {
  const sends: Array<{ id: string; at: number }> = [];
  const records: string[][] = [];
  const publisher = {
    sendClaimed: (item: DueVariant) => {
      sends.push({ id: item.variant.id, at: clock() });
      return Promise.resolve(
        fail.has(item.variant.id)
          ? { state: 'retry' }
          : { state: 'sent' as const, result: { remoteId: `r-${item.variant.id}` } },
      );
    },
    recordPublishedMany: (sent: Array<{ variant: PostVariantEntity }>) => {
      records.push(sent.map(({ variant }) => variant.id));
      return Promise.resolve();
    },
  };
  return { publisher: publisher as unknown as VariantPublisher, sends, records };
}

const item = (id: string, dueMs: number): DueVariant => ({
  variant: { id, scheduledAt: new Date(dueMs) } as PostVariantEntity,
  channel: {} as ChannelEntity,
});

describe('HeldSends', () => {
  it('sends nothing before its time, then everything in due order, and records the publishes together', async () => {
    const start = Date.now();
    const fake = fakePublisher(() => Date.now());
    const sends = new HeldSends(
      fake.publisher,
      { concurrency: 1, recordBatch: 100, idleMs: 20 },
      SYSTEM_CLOCK,
    );
    let stop = false;
    const running = sends.run(() => stop);
    const outcomes = sends.hold([item('c', start + 120), item('a', start + 40), item('b', start + 80)]);
    expect(sends.size).toBe(3);
    expect(sends.dueBy(new Date(start + 90))).toBe(2);

    const settled = await outcomes;
    stop = true;
    sends.nudge();
    await running;
    expect(fake.sends.map((send) => send.id)).toEqual(['a', 'b', 'c']);
    for (const send of fake.sends) {
      expect(send.at).toBeGreaterThanOrEqual(start + { a: 40, b: 80, c: 120 }[send.id]!);
    }
    expect(fake.records.flat().sort()).toEqual(['a', 'b', 'c']);
    expect([...settled.entries()].sort()).toEqual([
      ['a', 'published'],
      ['b', 'published'],
      ['c', 'published'],
    ]);
  });

  it('wakes a sleeping lane when an earlier variant is held, and reports a send that did not publish', async () => {
    const start = Date.now();
    const fake = fakePublisher(() => Date.now(), new Set(['soon']));
    const sends = new HeldSends(
      fake.publisher,
      { concurrency: 2, recordBatch: 1, idleMs: 10_000 },
      SYSTEM_CLOCK,
    );
    let stop = false;
    const running = sends.run(() => stop);
    const late = sends.hold([item('late', start + 300)]);
    await new Promise((resolve) => setTimeout(resolve, 20)); // both lanes now sleep (up to idleMs)
    const soon = await sends.hold([item('soon', start + 30)]);
    expect(soon.get('soon')).toBe('retry');
    expect(fake.sends[0]).toMatchObject({ id: 'soon' });
    expect(fake.sends[0].at).toBeLessThan(start + 250); // not left asleep until the later one was due
    expect((await late).get('late')).toBe('published');
    stop = true;
    sends.nudge();
    await running;
  });
});
