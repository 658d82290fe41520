import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Which addresses Metronome may send webhooks to. Only public unicast addresses, unless the operator
 * listed the target in `network.allowInternalTargets`: loopback, private (RFC 1918, unique local),
 * link-local (where cloud metadata services live, 169.254.169.254 and fd00:ec2::254), carrier-grade NAT
 * (100.100.100.200 on Alibaba Cloud), multicast, reserved and translated (NAT64, 6to4, Teredo) ranges are
 * refused. An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address.
 */
export class WebhookTargetPolicy {
  private readonly hosts: Set<string>;
  private readonly ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  constructor(readonly allowed: readonly string[] = []) {
    this.hosts = new Set();
    this.ranges = [];
    for (const entry of allowed) {
      const target = parseAllowedTarget(entry);
      if (target.kind === 'host') {
        this.hosts.add(target.host);
      } else {
        this.ranges.push(target.range);
      }
    }
  }

  /** The operator trusts this host name: whatever it resolves to may be called. */
  allowsHost(hostname: string): boolean {
    return this.hosts.has(normalizeHost(hostname));
  }

  /** Why `address` may not be called, or undefined when it may. */
  refusal(address: string): string | undefined {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.process(address);
    } catch {
      return `"${address}" is not an IP address`;
    }
    const range = parsed.range();
    if (range === 'unicast') {
      return undefined;
    }
    if (
      this.ranges.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits))
    ) {
      return undefined;
    }
    return `${parsed.toString()} is a ${RANGE_WORDS[range] ?? `${range} (not public)`} address`;
  }
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private (unique local)',
  linkLocal: 'link-local (cloud metadata services live there)',
  carrierGradeNat: 'carrier-grade NAT (cloud metadata services live there too)',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  reserved: 'reserved',
};

type AllowedTarget =
  { kind: 'host'; host: string } | { kind: 'range'; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function parseAllowedTarget(entry: string): AllowedTarget {
  const text = entry.trim();
  if (text.includes('/') && isCidr(text)) {
    const [network, bits] = ipaddr.parseCIDR(text);
    return { kind: 'range', range: [network, bits] };
  }
  if (ipaddr.isValid(text.replace(/^\[|\]$/g, ''))) {
    const address = ipaddr.process(text.replace(/^\[|\]$/g, ''));
    return { kind: 'range', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  if (HOST_NAME.test(text)) {
    return { kind: 'host', host: normalizeHost(text) };
  }
  throw new Error(`"${entry}" is neither an IP address, a CIDR range nor a host name`);
}

function isCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

function normalizeHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[|\]$/g, '');
}

/** One `network.allowInternalTargets` entry: an IP address, a CIDR range or a host name. */
export const allowedTargetSchema = z.string().superRefine((text, ctx) => {
  try {
    parseAllowedTarget(text);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is neither an IP address ("10.0.0.5"), a CIDR range ("10.20.0.0/16") nor a host name ("hooks.internal")`,
    });
  }
});
