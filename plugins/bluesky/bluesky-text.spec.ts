import { PermanentError, type PluginContext } from '../../src/plugin-sdk';
import bluesky from './index';
import { graphemeLength, splitThread } from './bluesky-text';

describe('bluesky text', () => {
  it('counts graphemes, the way Bluesky counts its 300-character limit', () => {
    expect(graphemeLength('Grüße ☕️ 👩‍👩‍👧‍👦')).toBe(9);
  });

  it('keeps text that fits as one part', () => {
    expect(splitThread('  Short and sweet.  ')).toEqual(['Short and sweet.']);
  });

  it('splits at sentence ends, each part within the limit, losing no words', () => {
    const text = 'One sentence here. Another one there! A third, longer sentence follows? Yes.';
    const parts = splitThread(text, 40);
    expect(parts).toEqual([
      'One sentence here. Another one there!',
      'A third, longer sentence follows? Yes.',
    ]);
  });

  it('splits a sentence longer than a part between words', () => {
    const text = 'word '.repeat(100).trim();
    const parts = splitThread(text, 50);
    parts.forEach((part) => expect(graphemeLength(part)).toBeLessThanOrEqual(50));
    expect(parts.join(' ')).toBe(text);
    expect(parts.every((part) => /^(word ?)+$/.test(part))).toBe(true);
  });

  it('cuts inside a word only when the word alone is longer than a part, never inside a grapheme', () => {
    const text = '👩‍👩‍👧‍👦'.repeat(7);
    const parts = splitThread(text, 3);
    expect(parts.map(graphemeLength)).toEqual([3, 3, 1]);
    expect(parts.join('')).toBe(text);
  });

  it('splits 300-grapheme parts for real posts', () => {
    const text = 'Our roasting diary, day by day, with every batch noted down carefully. '.repeat(10).trim();
    const parts = splitThread(text);
    expect(parts).toHaveLength(3);
    parts.forEach((part) => expect(graphemeLength(part)).toBeLessThanOrEqual(300));
    expect(parts.join(' ')).toBe(text);
  });
});

describe('bluesky publish-time text check', () => {
  const context: PluginContext = {
    plugin: 'bluesky',
    scope: 'acme/bsky',
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    http: { request: () => Promise.reject(new Error('no network in this test')) },
    state: {
      get: () => Promise.resolve(undefined),
      set: () => Promise.resolve(),
      setIfAbsent: () => Promise.resolve(undefined),
      delete: () => Promise.resolve(),
      list: () => Promise.resolve([]),
    },
    clock: { now: () => new Date('2026-12-01T09:00:00Z') },
  };

  it('states the measure that is over: 141 graphemes in 3,261 bytes is a byte problem, not a character one', async () => {
    const connector = await bluesky.create(context, {
      service: 'https://bsky.social',
      identifier: 'acme.bsky.social',
      appPassword: 'abcd-efgh-ijkl-mnop',
    });
    const text = '👩‍👩‍👧‍👦'.repeat(130) + 'x'.repeat(11);
    const error = await connector.publish!({
      idempotencyKey: 'k',
      text,
      media: [],
      scheduledAt: new Date(),
      extra: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toBe(
      'the text is 3,261 bytes (UTF-8), over the limit of 3,000 bytes by 261 (a Bluesky post holds 300 characters and 3,000 bytes): shorten it, or set extra.thread: true to publish it as a thread',
    );
  });
});
