import { isIPv4 } from 'node:net';

/** A URL only this machine can reach: localhost (and *.localhost), 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    (isIPv4(host) && host.startsWith('127.'))
  );
}
