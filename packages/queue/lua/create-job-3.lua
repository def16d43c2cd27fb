-- create-job-3.lua: writes a queued job's record unless the service is at its active-job limit.
-- KEYS[1] job record hash (<prefix>:job:<id>)
-- KEYS[2] all jobs, sorted set scored by creation time (<prefix>:jobs)
-- KEYS[3] queued or running jobs, set (<prefix>:active)
-- ARGV[1] most queued+running jobs allowed
-- ARGV[2] job id
-- ARGV[3] createdAt, ms since the epoch
-- ARGV[4] options JSON (validated JobOptions)
-- Returns 1 when created, 0 at the limit (nothing written), -1 when the record exists.
if redis.call('SCARD', KEYS[3]) >= tonumber(ARGV[1]) then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'state', 'queued', 'options', ARGV[4], 'epoch', '0', 'createdAt', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
