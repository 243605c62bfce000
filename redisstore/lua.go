package redisstore

// The scripts, each on one token key, KEYS[1], whose value is a home or a
// link (see value.go). Every script starts with token, which reads the
// key into v, its kind ('B' for a home of any layout, 'L' for a link)
// and its record id, all nil for no value; header(v) returns a home's
// seen, idle, abs and version as numbers, which hold them exactly (they
// are below 2^53). Times come as decimal strings; expiry times are Unix
// milliseconds.
const token = `
local function parse(v)
  if not v then
    return nil, nil
  end
  local k = v:sub(1, 1)
  if k == 'C' or k == 'B' then
    local n, scale, i = 0, 1, 35
    while true do
      local b = v:byte(i)
      i = i + 1
      if b < 128 then
        n = n + b * scale
        break
      end
      n = n + (b - 128) * scale
      scale = scale * 128
    end
    return 'B', v:sub(i, i + n - 1)
  end
  if k == 'H' then
    local n = tonumber(v:sub(70, 74))
    return 'B', v:sub(75, 74 + n)
  end
  return 'L', v:sub(66)
end
local function header(v)
  if v:sub(1, 1) ~= 'H' then
    return struct.unpack('>I8I8I8I8', v, 2)
  end
  return tonumber(v:sub(2, 17)), tonumber(v:sub(18, 33)), tonumber(v:sub(34, 49)), tonumber(v:sub(50, 69))
end
local v = redis.call('GET', KEYS[1])
local kind, id = parse(v)
`

// scriptHome is the kind that token gives a home of any layout.
const scriptHome = "B"

// claimHome makes KEYS[1] the home ARGV[2] of record ARGV[1], expiring at
// ARGV[3]. It answers 1, or 0 if the key belongs to another record or is a
// link. A home of the same record is replaced: it is left by an earlier
// attempt of the same write.
var claimHome = newScript(token + `
if kind and (id ~= ARGV[1] or kind ~= 'B') then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', tonumber(ARGV[3]))
return 1
`)

// claimLink makes KEYS[1] a link of record ARGV[1] to the home of hash
// ARGV[2], expiring at ARGV[3]. It answers 1 if it made the link, 2 if the
// key was already the record's (with ARGV[4] = "1", a link then leads to
// ARGV[2] from now on; a home is left alone), and 0 if it belongs to
// another record.
var claimLink = newScript(token + `
if not kind then
  redis.call('SET', KEYS[1], 'L' .. ARGV[2] .. ARGV[1], 'PXAT', tonumber(ARGV[3]))
  return 1
end
if id ~= ARGV[1] then
  return 0
end
if ARGV[4] == '1' and kind == 'L' then
  redis.call('SET', KEYS[1], 'L' .. ARGV[2] .. ARGV[1], 'PXAT', tonumber(ARGV[3]))
end
return 2
`)

// swap is the compare-and-swap of Update on the home KEYS[1] of record
// ARGV[1]: if its version is ARGV[2], then it becomes the home ARGV[4]
// (ARGV[3] = "same") or a link to the new home of hash ARGV[3], and it
// expires at ARGV[5]. It answers 1, 0 for another version, or -1 if the
// key is not the record's home.
var swap = newScript(token + `
if kind ~= 'B' or id ~= ARGV[1] then
  return -1
end
local _, _, _, ver = header(v)
if ver ~= tonumber(ARGV[2]) then
  return 0
end
if ARGV[3] == 'same' then
  redis.call('SET', KEYS[1], ARGV[4], 'PXAT', tonumber(ARGV[5]))
else
  redis.call('SET', KEYS[1], 'L' .. ARGV[3] .. ARGV[1], 'PXAT', tonumber(ARGV[5]))
end
return 1
`)

// touch moves seen and idle of the home KEYS[1] of record ARGV[1] forward
// to ARGV[2] and ARGV[3], each only if later, by overwriting them in place
// (put writes field 0, seen, or 1, idle, in the home's layout),
// and with idle the expiry to ARGV[4] or the absolute deadline, whichever
// is earlier. A missing key stays missing. It answers {1}, {2, to} if the
// key is a link of the record, or {0}.
var touch = newScript(token + `
if id ~= ARGV[1] then
  return {0}
end
if kind == 'L' then
  return {2, v:sub(2, 65)}
end
local seen, idle, abs = header(v)
local legacy = v:sub(1, 1) == 'H'
local function put(field, t)
  if legacy then
    redis.call('SETRANGE', KEYS[1], 1 + 16 * field, t)
  else
    redis.call('SETRANGE', KEYS[1], 1 + 8 * field, struct.pack('>I8', tonumber(t)))
  end
end
if tonumber(ARGV[2]) > seen then
  put(0, ARGV[2])
end
if tonumber(ARGV[3]) > idle then
  put(1, ARGV[3])
  redis.call('PEXPIREAT', KEYS[1], math.min(tonumber(ARGV[4]), abs))
end
return {1}
`)

// removeHome deletes the home KEYS[1] of record ARGV[1]. It answers
// {1, value}, {2, to} if the key is a link of the record, or {0}.
var removeHome = newScript(token + `
if id ~= ARGV[1] then
  return {0}
end
if kind == 'L' then
  return {2, v:sub(2, 65)}
end
redis.call('DEL', KEYS[1])
return {1, v}
`)

// drop deletes KEYS[1] if it belongs to record ARGV[1] and is of kind
// ARGV[2] ('B' or 'L'). It answers 1 if it did.
var drop = newScript(token + `
if id ~= ARGV[1] or kind ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
`)

// The user index KEYS[1] is a sorted set of the user's ids, each scored
// with its absolute deadline in Unix milliseconds, which Redis keeps as a
// listpack, a few bytes an id, while it is small. Releases before this one
// kept a plain set, which Redis 7.0 keeps as a hash table; userIndex turns
// such a set into the sorted set, scoring each id with the set's own
// expiry.
const userIndex = `
local function userIndex()
  if redis.call('TYPE', KEYS[1]).ok ~= 'set' then
    return
  end
  local ids = redis.call('SMEMBERS', KEYS[1])
  local exp = redis.call('PTTL', KEYS[1])
  if exp > 0 then
    local t = redis.call('TIME')
    exp = exp + tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  redis.call('DEL', KEYS[1])
  for _, id in ipairs(ids) do
    redis.call('ZADD', KEYS[1], exp < 0 and '+inf' or exp, id)
  end
  if exp > 0 then
    redis.call('PEXPIREAT', KEYS[1], exp)
  end
end
userIndex()
`

// addUser adds the id ARGV[1], whose absolute deadline is ARGV[2], to the
// user index KEYS[1], drops the ids whose deadline is before ARGV[3] (the
// store's clock), and makes the index live until the last deadline.
var addUser = newScript(userIndex + `
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]))
end
return 1
`)

// userIDs answers the ids in the user index KEYS[1].
var userIDs = newScript(userIndex + `
return redis.call('ZRANGE', KEYS[1], 0, -1)
`)

// removeUser removes the ids ARGV from the user index KEYS[1].
var removeUser = newScript(userIndex + `
return redis.call('ZREM', KEYS[1], unpack(ARGV))
`)

// clearToken deletes the token key KEYS[1] and answers 1 if it was a home,
// for DeleteAll's count.
var clearToken = newScript(`
local kind = redis.call('GETRANGE', KEYS[1], 0, 0)
local home = kind == 'C' or kind == 'B' or kind == 'H'
redis.call('DEL', KEYS[1])
if home then
  return 1
end
return 0
`)
