import { RateLimitedError, type PluginStateStore } from '../../src/plugin-sdk';
import { SendLedger } from './telegram-ledger';
import { telegramOptionsSchema } from './telegram-options.schema';

/** A state store in a Map (plugins may not import the SDK's testing module). */
function createMemoryStateStore(): PluginStateStore {
  const values = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, value);
    },
    setIfAbsent: async <T>(key: string, value: T) => {
      if (values.has(key)) {
        return values.get(key) as T;
      }
      values.set(key, value);
      return undefined;
    },
    delete: async (key) => {
      values.delete(key);
    },
    list: async <T>(prefix: string) =>
      [...values.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => ({ key, value: value as T })),
  };
}

const token = '123456789:AAHfakefakefakefakefakefake_-xyz';

describe('telegram options', () => {
  it('completes the defaults', () => {
    expect(telegramOptionsSchema.parse({ botToken: token, chat: '@metronome_news' })).toEqual({
      botToken: token,
      chat: '@metronome_news',
      apiUrl: 'https://api.telegram.org',
      unknownOutcome: 'ask',
      pace: true,
      lookupGraceMs: 5_000,
      timeoutMs: 15_000,
    });
    expect(telegramOptionsSchema.safeParse({ botToken: token, chat: '-1001234567890' }).success).toBe(true);
  });

  it('refuses a bad token without echoing it, a bad chat, plain http elsewhere and unknown options', () => {
    const bad = telegramOptionsSchema.safeParse({ botToken: 'secret-but-wrong', chat: '@metronome_news' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).not.toContain('secret-but-wrong');
    expect(JSON.stringify(bad.error?.issues)).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(
      telegramOptionsSchema.safeParse({ botToken: token, chat: 'metronome' }).error?.issues[0].message,
    ).toMatch(/@channelusername/);
    expect(
      telegramOptionsSchema.safeParse({ botToken: token, chat: '@abcde', apiUrl: 'http://bots.example' })
        .success,
    ).toBe(false);
    expect(
      telegramOptionsSchema.safeParse({ botToken: token, chat: '@abcde', apiUrl: 'http://127.0.0.1:8081' })
        .success,
    ).toBe(true);
    expect(
      telegramOptionsSchema.safeParse({ botToken: token, chat: '@abcde', parseMode: 'HTML' }).error?.issues[0]
        .message,
    ).toMatch(/unknown option "parseMode"/);
  });
});

describe('telegram pacing (Bot FAQ: a message a second per chat, 20 a minute)', () => {
  const t0 = new Date('2026-12-01T09:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  it('spaces sends a second apart', async () => {
    const ledger = new SendLedger(createMemoryStateStore());
    await ledger.pace('@c', 1, t0);
    const error = await ledger.pace('@c', 1, at(400)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(at(1_000));
    await expect(ledger.pace('@c', 1, at(1_000))).resolves.toBeUndefined();
    await expect(ledger.pace('@other', 1, at(1_000))).resolves.toBeUndefined();
  });

  it('keeps a chat under 20 messages a minute, albums counting every item', async () => {
    const ledger = new SendLedger(createMemoryStateStore());
    await ledger.pace('@c', 10, t0);
    await ledger.pace('@c', 9, at(1_000));
    const error = await ledger.pace('@c', 2, at(2_000)).catch((e: unknown) => e);
    // 19 booked in the minute; 2 more must wait until the first album's 10 leave the window.
    expect((error as RateLimitedError).retryAt).toEqual(at(60_000));
    await expect(ledger.pace('@c', 1, at(2_000))).resolves.toBeUndefined();
  });
});
