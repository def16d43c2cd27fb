-- reserve-model-2.lua: the model store's byte budget (model-store.ts). Drops the entries of
-- models whose keys have expired, then records model ARGV[1] unless that would take the live
-- models over the budget. Expiry times come from the Redis clock, like the keys' own TTLs.
-- KEYS[1] stored models, sorted set of id hex scored by expiry, ms (<prefix>:models)
-- KEYS[2] bytes of each stored model, hash id hex -> bytes (<prefix>:model-bytes)
-- ARGV[1] id hex of the model
-- ARGV[2] its bytes (weight blob + manifest)
-- ARGV[3] budget in bytes
-- ARGV[4] TTL in ms (the keys' TTL)
-- ARGV[5] 'put' (check the budget) or 'renew' (already stored: record it and move its expiry, no check)
-- Returns {1, used} recorded (used includes it), {-1, used} refused (nothing written).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, hex in ipairs(expired) do redis.call('HDEL', KEYS[2], hex) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local used = 0
for _, b in ipairs(redis.call('HVALS', KEYS[2])) do used = used + (tonumber(b) or 0) end
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local bytes = tonumber(ARGV[2])
local after = used - mine + bytes
if ARGV[5] == 'put' and mine == 0 and after > tonumber(ARGV[3]) then return {-1, used} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], bytes)
return {1, after}
