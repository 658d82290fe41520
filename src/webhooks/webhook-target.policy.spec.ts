import { WebhookTargetPolicy } from './webhook-target.policy';

describe('which addresses webhooks may go to', () => {
  const strict = new WebhookTargetPolicy();

  it.each([['93.184.215.14'], ['2606:4700:4700::1111']])('a public address is allowed: %s', (address) => {
    expect(strict.refusal(address)).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private (unique local)'],
    ['169.254.169.254', 'link-local (cloud metadata services live there)'],
    ['fd00:ec2::254', 'private (unique local)'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('%s is refused (%s)', (address, words) => {
    expect(strict.refusal(address)).toContain(words);
  });

  it('admits what the operator listed: addresses, ranges and host names', () => {
    const policy = new WebhookTargetPolicy(['127.0.0.1', '10.20.0.0/16', 'fd00::/8', 'Hooks.Internal.']);

    expect(policy.refusal('127.0.0.1')).toBeUndefined();
    expect(policy.refusal('127.0.0.2')).toContain('loopback');
    expect(policy.refusal('10.20.9.9')).toBeUndefined();
    expect(policy.refusal('10.21.0.1')).toContain('private');
    expect(policy.refusal('fd00:ec2::254')).toBeUndefined();
    expect(policy.allowsHost('hooks.internal')).toBe(true);
    expect(policy.allowsHost('other.internal')).toBe(false);
  });

  it('refuses an allow-list entry that is neither an address, a range nor a host name', () => {
    expect(() => new WebhookTargetPolicy(['10.0.0.0/99'])).toThrow();
    expect(() => new WebhookTargetPolicy(['http://hooks.internal/x'])).toThrow(
      'neither an IP address, a CIDR range nor a host name',
    );
  });
});
