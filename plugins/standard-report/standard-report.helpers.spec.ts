import { standardHelpers } from './standard-report.helpers';

/** Calls a helper the way Handlebars does: arguments, then an options object that carries the root context. */
function call(
  name: string,
  args: unknown[],
  brand = { locale: 'en-GB', timeZone: 'Europe/London' },
): unknown {
  return standardHelpers[name](...args, { data: { root: { brand } }, hash: {} });
}

describe('standard report helpers', () => {
  it('format numbers and percentages in the brand’s locale, with a dash for missing figures', () => {
    expect(call('number', [12345])).toBe('12,345');
    expect(call('number', [12345], { locale: 'de-DE', timeZone: 'Europe/Berlin' })).toBe('12.345');
    expect(call('percent', [0.05])).toBe('5.0%');
    expect(call('percent', [0.0487], { locale: 'de-DE', timeZone: 'Europe/Berlin' })).toBe('4,9\u00a0%');
    expect(call('number', [null])).toBe('—');
    expect(call('percent', [Number.NaN])).toBe('—');
    expect(call('fmt', [262, 'minutes'])).toBe('4h 22m');
    expect(call('fmt', [0.25, 'ratio'])).toBe('25.0%');
  });

  it('sign changes with arrows, percentage points for ratios, and "no change" below the printed precision', () => {
    expect(call('change', [217, 'count'])).toBe('▲ 217');
    expect(call('change', [-62, 'count'])).toBe('▼ 62');
    expect(call('change', [-0.064, 'ratio'])).toBe('▼ 6.4 pp');
    expect(call('change', [0.0004, 'ratio'])).toBe('● no change');
    expect(call('change', [0.062, 'relative'])).toBe('▲ 6.2%');
    expect(call('change', [83, 'minutes'])).toBe('▲ 1h 23m');
    expect(call('change', [null, 'count'])).toBe('—');
  });

  it('call a change good or bad by the direction that is good', () => {
    expect(call('trend', [5, 'up'])).toBe('good');
    expect(call('trend', [5, 'down'])).toBe('bad');
    expect(call('trend', [-5, 'down'])).toBe('good');
    expect(call('trend', [0, 'up'])).toBe('neutral');
  });

  it('write instants in the brand’s zone and calendar days as they are', () => {
    // 23:30 UTC on 31 October is already 1 November in Tokyo.
    expect(
      call('date', ['2026-10-31T23:30:00.000Z', 'short'], { locale: 'en-GB', timeZone: 'Asia/Tokyo' }),
    ).toBe('1 Nov');
    expect(call('date', ['2026-10-25'], { locale: 'en-US', timeZone: 'America/New_York' })).toBe(
      'October 25, 2026',
    );
    expect(call('date', [''])).toBe('—');
  });

  it('escape any text into a CSS string that cannot end itself or its <style> element', () => {
    const css = (call('cssString', ['A "quoted" </style> \\ name']) as { toHTML(): string }).toHTML();
    expect(css).toBe('"A \\22 quoted\\22  \\3c \\2f style\\3e  \\5c  name"');
    expect(css.slice(1, -1)).not.toMatch(/["<>\\/](?![0-9a-f])/);
  });
});
