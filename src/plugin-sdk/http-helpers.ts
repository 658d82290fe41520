/** Small helpers for plugins that talk HTTP: webhook URL checks, safe logging, Retry-After, truncation. */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http to this machine (local receivers in tests): webhook URLs carry their secret in the path. */
export function isHttpsOrLoopback(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** What logs and errors may show of a webhook URL: the host, never the path or query that hold the secret. */
export function hostOf(value: string): string {
  try {
    return new URL(value).host;
  } catch {
    return '(invalid URL)';
  }
}

/** The notifier id from the plugin's scope ("notifier/<id>"), for messages that tell people what to fix. */
export function notifierIdOf(scope: string): string {
  return scope.replace(/^notifier\//, '');
}

/**
 * When to try again, from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * undefined when the header is absent or unreadable, so the caller falls back to its own backoff.
 */
export function retryAtFromHeaders(headers: Record<string, string>, now: Date): Date | undefined {
  const value = headers['retry-after']?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(value)) {
    return new Date(now.getTime() + Number(value) * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : new Date(date);
}

/** Cuts text to at most `max` UTF-16 units, ending in an ellipsis, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end -= 1;
  }
  return `${text.slice(0, end)}…`;
}
