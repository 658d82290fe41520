import { formatBrandTime } from '../notifications/brand-time.format';

/** What became of a variant after a failed attempt. */
export type AfterFailure = { retryAt: Date } | 'gave up' | 'waits for reconnect';

export interface PublishFailure {
  postId: string;
  variantId: string;
  brand: string;
  channel: string;
  connector: string;
  /** The brand's IANA zone, for the next attempt's time. */
  zone: string;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  error: unknown;
  after: AfterFailure;
}

/**
 * The platform's code for a failure, as far as the error says: a `code` or `status` the connector set, else
 * an HTTP status (4xx/5xx) named in the message ("sandbox: 503 Service Unavailable"), else the error's kind.
 */
export function platformCode(error: unknown): string {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  for (const key of ['code', 'status', 'statusCode']) {
    const value = fields[key];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') {
      return String(value);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  const status = /(?:^|[\s(:])([45]\d\d)(?=$|[\s):,])/.exec(message);
  if (status) {
    return status[1];
  }
  return error instanceof Error ? error.name : 'unknown';
}

/**
 * One structured log line per failed publish attempt: the fields for machines (JSON logs), `msg` for people.
 * The next attempt is shown in the brand's zone (`next`) and as an instant (`nextAt`).
 */
export function publishFailureLine(failure: PublishFailure): Record<string, unknown> {
  const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
  const code = platformCode(failure.error);
  const next =
    typeof failure.after === 'string' ? failure.after : formatBrandTime(failure.after.retryAt, failure.zone);
  const where = `${failure.brand}/${failure.channel}`;
  return {
    msg: `publish failed: post ${failure.postId} to ${where} (${failure.connector}), attempt ${failure.attempt}, code ${code}: ${message}; ${typeof failure.after === 'string' ? failure.after : `next attempt ${next}`}`,
    event: 'publish.failed',
    postId: failure.postId,
    variantId: failure.variantId,
    brand: failure.brand,
    channel: failure.channel,
    connector: failure.connector,
    attempt: failure.attempt,
    code,
    message,
    next,
    ...(typeof failure.after === 'string' ? {} : { nextAt: failure.after.retryAt.toISOString() }),
  };
}
