-- Deletes one dataset chunk and takes its size off the store's byte counter.
-- KEYS[1] chunk key
-- KEYS[2] byte counter of the dataset store
-- Returns the bytes freed (0 when the chunk was not there).
local len = redis.call('STRLEN', KEYS[1])
if redis.call('DEL', KEYS[1]) == 1 then
  redis.call('DECRBY', KEYS[2], len)
  return len
end
return 0
