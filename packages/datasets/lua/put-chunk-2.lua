-- Stores one dataset chunk unless that would take the store over its budget.
-- KEYS[1] chunk key
-- KEYS[2] byte counter of the dataset store
-- ARGV[1] chunk bytes
-- ARGV[2] budget in bytes
-- Returns {1, used} stored, {0, used} already there, {-1, used} refused (nothing written).
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, used} end
local len = string.len(ARGV[1])
if used + len > tonumber(ARGV[2]) then return {-1, used} end
redis.call('SET', KEYS[1], ARGV[1])
return {1, redis.call('INCRBY', KEYS[2], len)}
