import { z } from 'zod';
import { defineNotifier, type NotifierPlugin } from '../plugin-sdk';
import { ConfiguredPluginOptions, notifierOptionsPlace } from './configured-plugin-options';

describe('ConfiguredPluginOptions', () => {
  let parses: number;
  let plugin: NotifierPlugin<{ url: string; parsedAs: number }>;

  beforeEach(() => {
    parses = 0;
    plugin = defineNotifier({
      kind: 'notifier',
      name: 'pager',
      version: '1.0.0',
      sdk: '^1.0.0',
      options: z.object({ url: z.string() }).transform((options) => ({ ...options, parsedAs: ++parses })),
      create: () => ({ send: () => Promise.resolve({}) }),
    });
  });

  it('hands out what the load parsed, without running the schema again', async () => {
    const options = new ConfiguredPluginOptions();
    options.keep(notifierOptionsPlace('pager'), plugin, { ok: true, value: { url: 'kept', parsedAs: 0 } });

    const handed = await options.of(notifierOptionsPlace('pager'), plugin, { url: 'written' });

    expect(handed).toEqual({ ok: true, value: { url: 'kept', parsedAs: 0 } });
    expect(parses).toBe(0);
  });

  it('parses options nobody kept once, on first use, and keeps them', async () => {
    const options = new ConfiguredPluginOptions();
    const place = notifierOptionsPlace('pager');

    const first = await options.of(place, plugin, { url: 'https://example.com' });
    const second = await options.of(place, plugin, { url: 'https://example.com' });

    expect(first).toEqual({ ok: true, value: { url: 'https://example.com', parsedAs: 1 } });
    expect(second).toBe(first);
    expect(parses).toBe(1);
  });

  it('keeps a refusal too, with its problems', async () => {
    const options = new ConfiguredPluginOptions();
    const result = await options.of(notifierOptionsPlace('pager'), plugin, { url: 42 });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((problem) => problem.path)).toEqual([['url']]);
  });
});
