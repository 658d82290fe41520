import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '../../src/config/config.loader';
import { channelOptionsPlace, notifierOptionsPlace } from '../../src/plugin-host/configured-plugin-options';

/** A notifier whose schema counts its runs in a global, so the test sees how often options are parsed. */
const COUNTING_NOTIFIER = `module.exports = (sdk) => sdk.defineNotifier({
  kind: 'notifier', name: 'pager', version: '1.0.0', sdk: '^1.0.0',
  options: sdk.z.object({ url: sdk.z.string() }).transform((options) => {
    globalThis.pagerParses = (globalThis.pagerParses ?? 0) + 1;
    return { ...options, parsedAs: globalThis.pagerParses };
  }),
  create: () => ({ send: async () => ({}) }),
});`;

const CONFIG = `
organisation: { name: Acme }
plugins: [{ path: plugins/pager }]
people: { ana: { name: Ana, email: ana@example.com } }
notifiers:
  pager: { plugin: pager, options: { url: "https://pager.example.com" } }
brands:
  acme:
    name: Acme
    timezone: UTC
    owner: ana
    channels:
      sandbox: { connector: sandbox, options: { handle: acme }, cadence: { postsPerWeek: 1 } }
`;

describe('plugin options are parsed once, at load, and kept', () => {
  let dir: string;
  const parses = () => (globalThis as { pagerParses?: number }).pagerParses ?? 0;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metronome-options-'));
    mkdirSync(join(dir, 'plugins', 'pager'), { recursive: true });
    writeFileSync(join(dir, 'plugins', 'pager', 'index.js'), COUNTING_NOTIFIER);
    writeFileSync(join(dir, 'metronome.yaml'), CONFIG);
    delete (globalThis as { pagerParses?: number }).pagerParses;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands a plugin the value its schema produced at load, without parsing again', async () => {
    const result = await loadConfiguration(join(dir, 'metronome.yaml'));
    if (!result.ok) {
      throw new Error(result.issues.map((issue) => issue.message).join('\n'));
    }
    const { loaded } = result;
    expect(parses()).toBe(1);

    const pager = loaded.plugins.find('notifier', 'pager')!;
    const notifier = loaded.config.notifiers.pager;
    const first = await loaded.pluginOptions.of(notifierOptionsPlace('pager'), pager, notifier.options);
    const again = await loaded.pluginOptions.of(notifierOptionsPlace('pager'), pager, notifier.options);
    expect(first).toEqual({ ok: true, value: { url: 'https://pager.example.com', parsedAs: 1 } });
    expect(again).toBe(first);
    expect(parses()).toBe(1);

    const sandbox = loaded.plugins.find('connector', 'sandbox')!;
    const channel = await loaded.pluginOptions.of(
      channelOptionsPlace('acme', 'sandbox'),
      sandbox,
      loaded.config.brands.acme.channels.sandbox.options,
    );
    // The sandbox schema's defaults were applied at load.
    expect(channel).toEqual({
      ok: true,
      value: expect.objectContaining({ handle: 'acme', idempotency: 'honour' }),
    });
  });
});
