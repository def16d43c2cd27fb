-- store-once-2.lua: stores a shard result hash only if none is stored yet, so a duplicate
-- delivery of a shard (BullMQ is at-least-once) never replaces or double-counts the first one.
-- KEYS[1] shard result hash (<prefix>:job:<id>:result:<epoch>[:<round>]:<shard>, keys.ts)
-- KEYS[2] counter of shard results accepted (<prefix>:stats:shards-done)
-- ARGV    field/value pairs of the result ('weights', <bytes>, 'meta', <JSON>[, 'm', <bytes>, 'v', <bytes>])
-- Returns 1 when stored, 0 when a result was already there (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
redis.call('INCR', KEYS[2])
return 1
