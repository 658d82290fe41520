import { RateLimitedError, type PluginLogger, type PluginStateStore } from '../../src/plugin-sdk';
import { nextPacificMidnight, pacificDay, QuotaLedger } from './youtube-quota';

/** A state store and a logger that keeps its lines: all the ledger uses of a context. */
function createTestPluginContext(): {
  state: PluginStateStore;
  logger: PluginLogger;
  logs: Array<{ level: string }>;
} {
  const values = new Map<string, unknown>();
  const logs: Array<{ level: string; message: string }> = [];
  const line = (level: string) => (message: string) => void logs.push({ level, message });
  return {
    logs,
    logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    state: {
      get: <T>(key: string) => Promise.resolve(values.get(key) as T | undefined),
      set: (key, value) => Promise.resolve(void values.set(key, structuredClone(value))),
      setIfAbsent: <T>(key: string, value: T) => {
        const held = values.get(key) as T | undefined;
        if (held === undefined) {
          values.set(key, value);
        }
        return Promise.resolve(held);
      },
      delete: (key) => Promise.resolve(void values.delete(key)),
      list: <T>(prefix: string) =>
        Promise.resolve(
          [...values.entries()]
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => ({ key, value: value as T })),
        ),
    },
  };
}

describe('youtube quota by Pacific day', () => {
  it('names the Pacific day and its next midnight, in winter (PST) and summer (PDT)', () => {
    expect(pacificDay(new Date('2026-12-07T07:59:59Z'))).toBe('2026-12-06');
    expect(pacificDay(new Date('2026-12-07T08:00:00Z'))).toBe('2026-12-07');
    expect(nextPacificMidnight(new Date('2026-12-07T07:59:59Z'))).toEqual(new Date('2026-12-07T08:00:00Z'));
    expect(nextPacificMidnight(new Date('2026-07-01T12:00:00Z'))).toEqual(new Date('2026-07-02T07:00:00Z'));
    // The night clocks go back (1 Nov 2026): midnight of the 2nd is PST again.
    expect(nextPacificMidnight(new Date('2026-11-01T12:00:00Z'))).toEqual(new Date('2026-11-02T08:00:00Z'));
    // The night clocks go forward (8 Mar 2026): midnight of the 9th is PDT.
    expect(nextPacificMidnight(new Date('2026-03-08T12:00:00Z'))).toEqual(new Date('2026-03-09T07:00:00Z'));
  });

  it('warns once at 80 %, refuses before a call over the budget, and starts again the next Pacific day', async () => {
    const context = createTestPluginContext();
    const ledger = new QuotaLedger(context.state, context.logger, 100, 2);
    const day = new Date('2026-12-07T12:00:00Z');
    await ledger.spend(day, 79, 'a');
    expect(context.logs).toEqual([]);
    await ledger.spend(day, 1, 'b');
    await ledger.spend(day, 10, 'c');
    expect(context.logs.filter((line) => line.level === 'warn')).toHaveLength(1);
    const refused = await ledger.spend(day, 11, 'd').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAt).toEqual(new Date('2026-12-08T08:00:00Z'));
    expect(await ledger.status(day)).toMatchObject({ units: 90, remainingUnits: 10, budget: 100 });
    await ledger.spend(new Date('2026-12-08T08:00:00Z'), 11, 'd');
  });

  it('counts uploads in their own bucket', async () => {
    const context = createTestPluginContext();
    const ledger = new QuotaLedger(context.state, context.logger, 10_000, 1);
    const day = new Date('2026-12-07T12:00:00Z');
    await ledger.spend(day, 0, 'upload', 1);
    await expect(ledger.spend(day, 0, 'upload', 1)).rejects.toThrow(/upload quota/);
    await ledger.spend(day, 1, 'a list');
  });

  it('a 403 quotaExceeded uses up the day', async () => {
    const context = createTestPluginContext();
    const ledger = new QuotaLedger(context.state, context.logger, 10_000, 100);
    const day = new Date('2026-12-07T12:00:00Z');
    await ledger.exhausted(day);
    await expect(ledger.spend(day, 1, 'a list')).rejects.toBeInstanceOf(RateLimitedError);
  });
});
