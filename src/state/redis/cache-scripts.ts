// The Lua scripts of the Redis cache store: each change of the entry set (and its change feed) is one
// script, so replicas never see half of one. ARGV[1] is always the key prefix; keys are built from it inside
// the scripts (a standalone Redis, not a cluster).
//
// Layout, under the prefix P:
//   P c:seq                 entry ids (INCR)
//   P c:e:<id>              hash: key partition endpoint model prompt answer embedding embedding_model
//                           created_at last_hit_at hits group prompt_tokens completion_tokens, labels (JSON,
//                           label-codec.ts; absent when none)
//   P c:k:<exact key>       → id
//   P c:created, P c:lru    sorted sets of ids by creation and by last hit
//   P c:labelled            set of the ids with labels: the pooled evidence is read without a scan
//   P c:vec:<model>         sorted set of embedded ids (score: id), P c:vecsum:<model> the sum of those ids
//   P c:feed                stream of changes: kind added|removed, ids, model, origin (the store that made it)

/** `remove(id)`: deletes one entry and its index entries; returns true when it existed. */
const REMOVE = `
local P = ARGV[1]
local ORIGIN = ARGV[2]
local function remove(id)
  local e = P .. 'c:e:' .. id
  local fields = redis.call('HMGET', e, 'key', 'embedding_model')
  if not fields[1] then return false end
  redis.call('DEL', e)
  if redis.call('GET', P .. 'c:k:' .. fields[1]) == tostring(id) then redis.call('DEL', P .. 'c:k:' .. fields[1]) end
  redis.call('ZREM', P .. 'c:created', id)
  redis.call('ZREM', P .. 'c:lru', id)
  redis.call('SREM', P .. 'c:labelled', id)
  if fields[2] and redis.call('ZREM', P .. 'c:vec:' .. fields[2], id) == 1 then
    redis.call('DECRBY', P .. 'c:vecsum:' .. fields[2], id)
  end
  return true
end
local function removed(ids)
  if #ids > 0 then redis.call('XADD', P .. 'c:feed', 'MAXLEN', '~', 100000, '*', 'kind', 'removed', 'ids', table.concat(ids, ','), 'origin', ORIGIN) end
end
`

/** ARGV: P, origin, exact key, then field/value pairs, then '--', embedding model or '', an allocated id or ''. */
export const PUT = `${REMOVE}
local key = ARGV[3]
local gone = {}
local old = redis.call('GET', P .. 'c:k:' .. key)
if old and remove(old) then table.insert(gone, old) end
local dashes = 4
while ARGV[dashes] ~= '--' do dashes = dashes + 2 end
local id = ARGV[dashes + 2]
if id == nil or id == '' then id = redis.call('INCR', P .. 'c:seq') else id = tonumber(id) end
local e = P .. 'c:e:' .. id
local i = 4
local created = 0
while ARGV[i] ~= '--' do
  redis.call('HSET', e, ARGV[i], ARGV[i + 1])
  if ARGV[i] == 'created_at' then created = tonumber(ARGV[i + 1]) end
  if ARGV[i] == 'labels' then redis.call('SADD', P .. 'c:labelled', id) end
  i = i + 2
end
local model = ARGV[i + 1]
redis.call('SET', P .. 'c:k:' .. key, id)
redis.call('ZADD', P .. 'c:created', created, id)
redis.call('ZADD', P .. 'c:lru', created, id)
removed(gone)
if model ~= '' then
  redis.call('ZADD', P .. 'c:vec:' .. model, id, id)
  redis.call('INCRBY', P .. 'c:vecsum:' .. model, id)
  redis.call('XADD', P .. 'c:feed', 'MAXLEN', '~', 100000, '*', 'kind', 'added', 'ids', id, 'model', model, 'origin', ORIGIN)
end
return { id, redis.call('ZCARD', P .. 'c:created'), table.concat(gone, ',') }
`

/** ARGV: P, origin, id, embedding (base64), model. */
export const SET_EMBEDDING = `
local P = ARGV[1]
local e = P .. 'c:e:' .. ARGV[3]
if redis.call('EXISTS', e) == 0 then return 0 end
redis.call('HSET', e, 'embedding', ARGV[4], 'embedding_model', ARGV[5])
if redis.call('ZADD', P .. 'c:vec:' .. ARGV[5], ARGV[3], ARGV[3]) == 1 then redis.call('INCRBY', P .. 'c:vecsum:' .. ARGV[5], ARGV[3]) end
redis.call('XADD', P .. 'c:feed', 'MAXLEN', '~', 100000, '*', 'kind', 'added', 'ids', ARGV[3], 'model', ARGV[5], 'origin', ARGV[2])
return 1
`

/** ARGV: P, origin, id, id, …: deletes those that exist; returns their ids. */
export const DELETE = `${REMOVE}
local gone = {}
for i = 3, #ARGV do if remove(ARGV[i]) then table.insert(gone, ARGV[i]) end end
removed(gone)
return table.concat(gone, ',')
`

/** ARGV: P, origin, now, ttl ms, max entries, batch: expired first, then the least recently used beyond the bound. */
export const SWEEP = `${REMOVE}
local now, ttl, max, batch = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local gone = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'c:created', '-inf', now - ttl, 'LIMIT', 0, batch)) do
  if remove(id) then table.insert(gone, id) end
end
local over = redis.call('ZCARD', P .. 'c:created') - max
if over > 0 then
  for _, id in ipairs(redis.call('ZRANGE', P .. 'c:lru', 0, math.min(over, batch) - 1)) do
    if remove(id) then table.insert(gone, id) end
  end
end
removed(gone)
return table.concat(gone, ',')
`

/**
 * ARGV: P, id, the label (JSON), the most labels kept, the oldest live created_at: 1 when the entry is live
 * and has it. Replicas may label one entry at once: read, append and write in one script, so none is lost.
 * cjson writes numbers with 14 significant digits: far finer than a similarity between f16 vectors can be.
 */
export const ADD_LABEL = `
local P = ARGV[1]
local e = P .. 'c:e:' .. ARGV[2]
local fields = redis.call('HMGET', e, 'created_at', 'labels')
if not fields[1] or tonumber(fields[1]) <= tonumber(ARGV[5]) then return 0 end
local labels = fields[2] and cjson.decode(fields[2]) or {}
table.insert(labels, cjson.decode(ARGV[3]))
while #labels > tonumber(ARGV[4]) do table.remove(labels, 1) end
redis.call('HSET', e, 'labels', cjson.encode(labels))
redis.call('SADD', P .. 'c:labelled', ARGV[2])
return 1
`

/** ARGV: P, then id, at, hits triples: hits counted on entries that still exist. */
export const TOUCH = `
local P = ARGV[1]
for i = 2, #ARGV, 3 do
  local e = P .. 'c:e:' .. ARGV[i]
  if redis.call('EXISTS', e) == 1 then
    redis.call('HSET', e, 'last_hit_at', ARGV[i + 1])
    redis.call('HINCRBY', e, 'hits', ARGV[i + 2])
    redis.call('ZADD', P .. 'c:lru', 'XX', ARGV[i + 1], ARGV[i])
  end
end
return 1
`
