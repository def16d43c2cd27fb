-- keep-shard-adam-2.lua: 'per-shard' Adam policy: copies a shard result's moments to the
-- shard's own Adam state inside Redis, so the model-sized m and v never travel to the
-- coordinator and back (the worker validated them before storing, the next worker
-- validates them again when it reads them: blobs.ts getAdam).
-- KEYS[1] shard result hash (<prefix>:job:<id>:result:<e>[.<r>]:<s>, fields weights, meta, m, v)
-- KEYS[2] the shard's Adam state hash (<prefix>:job:<id>:shard-adam:<s>, fields m, v, step)
-- ARGV[1] the shard's Adam step after this result (decimal)
-- Returns 1 when copied, 0 when the result has no moments (nothing written).
local mv = redis.call('HMGET', KEYS[1], 'm', 'v')
if not mv[1] or not mv[2] then return 0 end
redis.call('HSET', KEYS[2], 'm', mv[1], 'v', mv[2], 'step', ARGV[1])
return 1
