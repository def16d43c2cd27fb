-- replace-options-1.lua: replaces a queued job's options, only if they are still what the caller read
-- (a coordinator that died mid-step and one that took over cannot both write, nor overwrite a newer value).
-- KEYS[1] job record hash (<prefix>:job:<id>)
-- ARGV[1] options JSON as read
-- ARGV[2] new options JSON (validated JobOptions)
-- Returns 1 when replaced, 0 otherwise.
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return 0 end
if redis.call('HGET', KEYS[1], 'options') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'options', ARGV[2])
return 1
