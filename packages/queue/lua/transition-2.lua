-- transition-2.lua: sets a job's state and fields unless it already reached a terminal state
-- (a cancelled job is never revived by a late shard or epoch).
-- KEYS[1] job record hash (<prefix>:job:<id>)
-- KEYS[2] queued or running jobs, set (<prefix>:active)
-- ARGV    field/value pairs to set, starting with 'state', <new state>
-- Returns 1 when set, 0 when the job was already terminal, -1 when there is no record.
-- A job moved to a terminal state leaves KEYS[2] (by the record's own id field).
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return -1 end
if s == 'completed' or s == 'failed' or s == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
if ARGV[2] == 'completed' or ARGV[2] == 'failed' or ARGV[2] == 'cancelled' then redis.call('SREM', KEYS[2], redis.call('HGET', KEYS[1], 'id')) end
return 1
