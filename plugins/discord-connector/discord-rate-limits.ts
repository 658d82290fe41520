import { rateLimited } from '../../src/plugin-sdk';
import { resetAtOf } from './discord-errors';

interface BucketState {
  remaining: number;
  resetAt: number;
}

/**
 * Discord's per-route buckets (https://discord.com/developers/docs/topics/rate-limits): every answer says which
 * bucket the route is in (`X-RateLimit-Bucket`), how many requests it has left (`-Remaining`) and when it refills
 * (`-Reset`, `-Reset-After`). A bucket counts per top-level resource (the channel, the webhook), so the state is kept
 * per route AND resource. When a bucket is empty, the next request on it is refused HERE, before sending, with the
 * reset time: a burst of posts never meets the 429 (Discord counts 429s towards a Cloudflare ban).
 *
 * A 429 itself is not recorded: the connector throws `rateLimited` and the core keeps the whole channel waiting until
 * the reset.
 */
export class RateLimitBuckets {
  /** "POST /channels/{id}/messages" → the bucket hash Discord named for it. */
  private readonly bucketOfRoute = new Map<string, string>();
  /** "<bucket hash>:<resource>" → its state. */
  private readonly buckets = new Map<string, BucketState>();

  /** Throws RateLimitedError when the route's bucket is known to be empty until a time still ahead. */
  check(route: string, resource: string, now: Date, what: string): void {
    const bucket = this.bucketOfRoute.get(route);
    const state = bucket ? this.buckets.get(`${bucket}:${resource}`) : undefined;
    if (state && state.remaining <= 0 && state.resetAt > now.getTime()) {
      const resetAt = new Date(state.resetAt);
      throw rateLimited(
        `Discord's rate limit for ${route} has no requests left until ${resetAt.toISOString()} (bucket ${bucket}); not ${what} before then`,
        resetAt,
      );
    }
  }

  /** Records what a (non-429) answer said about its bucket. */
  update(route: string, resource: string, headers: Record<string, string>, now: Date): void {
    const bucket = headers['x-ratelimit-bucket'];
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (!bucket || !Number.isFinite(remaining)) {
      return;
    }
    const resetAt = resetAtOf(
      {
        'x-ratelimit-reset': headers['x-ratelimit-reset'],
        'x-ratelimit-reset-after': headers['x-ratelimit-reset-after'],
      },
      now,
    );
    this.bucketOfRoute.set(route, bucket);
    this.buckets.set(`${bucket}:${resource}`, {
      remaining,
      resetAt: resetAt?.getTime() ?? now.getTime(),
    });
  }
}
