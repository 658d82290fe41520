import type { Redis } from 'ioredis';
import { callingDependency, REDIS } from '../app/dependency-outage.log';
import { HOLD_TOLERANCE_MS, STAGGER_MS, type ChannelBlock, type RateBudget } from './rate-budget';

/**
 * The same budget as InProcessRateBudget, kept in Redis so every worker of the cluster draws on one budget and
 * sees one block. Lua scripts make check-and-book atomic. Times are the caller's clock (as everywhere in
 * publishing, so a test or a benchmark can drive it); workers' clocks differ by milliseconds, the spacing is
 * seconds. -1 from TAKE means "free": no block and no spacing, which this process then trusts for FREE_FOR_MS
 * without asking Redis again (a channel without `perMinute` costs one round trip a second, not one per send).
 */
const TAKE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local blocked = tonumber(redis.call('HGET', KEYS[2], 'until') or '0')
if blocked <= now then
  blocked = 0
end
local held = redis.call('GET', KEYS[3])
if held then
  held = tonumber(held)
  if held > now + tonumber(ARGV[4]) then
    return math.ceil(held - now)
  end
  redis.call('DEL', KEYS[3])
  if blocked == 0 then
    return 0
  end
end
if blocked == 0 and interval == 0 then
  return -1
end
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now, blocked)
local step = interval
if blocked > 0 then
  step = math.max(interval, tonumber(ARGV[3]))
end
redis.call('SET', KEYS[1], string.format('%.3f', slot + step), 'PX', math.ceil(slot + step - now) + 60000)
if slot <= now then
  return 0
end
redis.call('SET', KEYS[3], string.format('%.3f', slot), 'PX', math.ceil(slot - now) + 600000)
return math.ceil(slot - now)
`;

const BLOCK = `
local now = tonumber(ARGV[2])
local wanted = tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local fresh = 0
if current > now then
  if wanted > current then
    redis.call('HSET', KEYS[1], 'until', ARGV[1])
  end
else
  redis.call('HSET', KEYS[1], 'since', ARGV[2], 'until', ARGV[1])
  fresh = 1
end
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(wanted, current) - now) + 86400000)
return fresh
`;

/** How long a "free" answer is trusted: a block set by another worker reaches this one within that time. */
const FREE_FOR_MS = 1000;

export class RedisRateBudget implements RateBudget {
  /** Per channel: until when (ms, caller's clock) it is known to be free. */
  private readonly freeUntil = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'metronome:rate-budget',
  ) {}

  async take(channelId: string, perMinute: number | undefined, now: Date, holder: string): Promise<number> {
    const at = now.getTime();
    if (!perMinute && (this.freeUntil.get(channelId) ?? 0) > at) {
      return 0;
    }
    const wait = Number(
      await callingDependency(REDIS, () =>
        this.redis.eval(
          TAKE,
          3,
          `${this.prefix}:${channelId}`,
          `${this.prefix}:${channelId}:block`,
          `${this.prefix}:${channelId}:hold:${holder}`,
          String(at),
          String(perMinute ? 60_000 / perMinute : 0),
          String(STAGGER_MS),
          String(HOLD_TOLERANCE_MS),
        ),
      ),
    );
    if (wait < 0) {
      this.freeUntil.set(channelId, at + FREE_FOR_MS);
      return 0;
    }
    return wait;
  }

  async block(channelId: string, until: Date, now: Date): Promise<boolean> {
    this.freeUntil.delete(channelId);
    const fresh = await this.redis.eval(
      BLOCK,
      1,
      `${this.prefix}:${channelId}:block`,
      String(until.getTime()),
      String(now.getTime()),
    );
    return Number(fresh) === 1;
  }

  async lastBlock(channelId: string): Promise<ChannelBlock | undefined> {
    const [since, until] = await this.redis.hmget(`${this.prefix}:${channelId}:block`, 'since', 'until');
    return since && until ? { since: Number(since), until: Number(until) } : undefined;
  }
}
