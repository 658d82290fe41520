import { createHash } from 'node:crypto';

/** The Lua side of RedisChannelSlots: every call is one script, run atomically by Redis. */

const LUA_PRELUDE = `
local held, alive, wanting = KEYS[1], KEYS[2], KEYS[3]
local holder = ARGV[1]
local mine = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
-- Redis before 5 replicates scripts verbatim and refuses writes after TIME unless told to replicate effects.
if redis.replicate_commands then
  redis.replicate_commands()
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Records this holder's count (none: forget it) and refreshes its lease.
local function record(count)
  if count > 0 then
    redis.call('HSET', held, holder, count)
    redis.call('ZADD', alive, now + ttl, holder)
  else
    redis.call('HDEL', held, holder)
    redis.call('ZREM', alive, holder)
  end
  -- Keys outlive the longest lease written to them, then vanish with an idle channel.
  for _, key in ipairs(KEYS) do
    if redis.call('PTTL', key) < ttl + 1000 then
      redis.call('PEXPIRE', key, ttl + 1000)
    end
  end
end
`;

/** ARGV: holder, mine, ttl, want, limit, demand ttl. Returns {granted, fair share, contended 0|1}. */
const ACQUIRE = `${LUA_PRELUDE}
local want = tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
local demandTtl = tonumber(ARGV[6])
-- Holders that stopped renewing (killed) lose their permits; stale demands are forgotten.
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', alive, '-inf', now)) do
  redis.call('HDEL', held, dead)
end
redis.call('ZREMRANGEBYSCORE', alive, '-inf', now)
redis.call('ZREMRANGEBYSCORE', wanting, '-inf', now)
local others = 0
local counts = redis.call('HGETALL', held)
for i = 1, #counts, 2 do
  if counts[i] ~= holder then
    others = others + tonumber(counts[i + 1])
  end
end
local otherWaiting = redis.call('ZCARD', wanting)
if redis.call('ZSCORE', wanting, holder) then
  otherWaiting = otherWaiting - 1
end
local share = math.ceil(limit / (otherWaiting + 1))
-- Never above the limit (a lowered one gives nothing until the cluster is under it), nor the fair share.
local grant = math.max(0, math.min(want, limit - others - mine, share - mine))
if grant < want then
  redis.call('ZADD', wanting, now + demandTtl, holder)
else
  redis.call('ZREM', wanting, holder)
end
record(mine + grant)
local contended = 0
if others > 0 or otherWaiting > 0 then
  contended = 1
end
return {grant, share, contended}
`;

/** ARGV: holder, mine, ttl, still waiting 0|1. Gives back what `mine` no longer counts, renews the rest. */
const SYNC = `${LUA_PRELUDE}
if ARGV[4] == '0' then
  redis.call('ZREM', wanting, holder)
end
record(mine)
return mine
`;

/** A Lua script and its SHA-1, for EVALSHA. */
export interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** The channel-slot protocol's two calls (see RedisChannelSlots). */
export const SCRIPTS = { acquire: script(ACQUIRE), sync: script(SYNC) };
