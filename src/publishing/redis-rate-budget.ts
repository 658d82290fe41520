import type { Redis } from 'ioredis';
import { callingDependency, REDIS } from '../app/dependency-outage.log';
import type { RateBudget } from './rate-budget';

/**
 * The same spacing as InProcessRateBudget, kept in Redis so every worker of the cluster draws on one budget.
 * One Lua script makes check-and-book atomic. Times are the caller's clock (as everywhere in publishing,
 * so a test or a benchmark can drive it); workers' clocks differ by milliseconds, the spacing is seconds.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local next = tonumber(redis.call('GET', KEYS[1]) or '0')
if next > now then
  return next - now
end
redis.call('SET', KEYS[1], tostring(now + interval), 'PX', math.ceil(interval) + 60000)
return 0
`;

export class RedisRateBudget implements RateBudget {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'metronome:rate-budget',
  ) {}

  async take(channelId: string, perMinute: number, now: Date): Promise<number> {
    const wait = await callingDependency(REDIS, () =>
      this.redis.eval(
        TAKE,
        1,
        `${this.prefix}:${channelId}`,
        String(now.getTime()),
        String(60_000 / perMinute),
      ),
    );
    return Number(wait);
  }
}
