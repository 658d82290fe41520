import { hostOf, isHttpsOrLoopback, retryAtFromHeaders, truncate } from './http-helpers';

/** The SDK's HTTP helpers, shared by the webhook notifiers. */
describe('http delivery helpers', () => {
  const now = new Date('2026-11-02T09:00:00Z');

  it('reads Retry-After as seconds or as an HTTP-date', () => {
    expect(retryAtFromHeaders({ 'retry-after': '30' }, now)).toEqual(new Date('2026-11-02T09:00:30Z'));
    expect(retryAtFromHeaders({ 'retry-after': 'Mon, 02 Nov 2026 09:05:00 GMT' }, now)).toEqual(
      new Date('2026-11-02T09:05:00Z'),
    );
    expect(retryAtFromHeaders({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAtFromHeaders({}, now)).toBeUndefined();
  });

  it('truncates with an ellipsis and never splits a surrogate pair', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate('abcd😀xyz', 6)).toBe('abcd…');
    expect(truncate('abcd😀xyz', 6)).toHaveLength(5);
  });

  it('accepts https anywhere and http only on loopback; shows the host alone', () => {
    expect(isHttpsOrLoopback('https://hooks.slack.com/services/T/B/X')).toBe(true);
    expect(isHttpsOrLoopback('http://127.0.0.1:8080/x')).toBe(true);
    expect(isHttpsOrLoopback('http://hooks.slack.com/services/T/B/X')).toBe(false);
    expect(isHttpsOrLoopback('not a url')).toBe(false);
    expect(hostOf('https://hooks.slack.com/services/T/B/SECRET')).toBe('hooks.slack.com');
  });
});
