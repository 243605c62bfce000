package redisstore

// The scripts, each on one token key, KEYS[1], whose value is a home or a
// link (see value.go). Every script starts with token, which reads the
// key into v, its kind ('H' or 'L') and its record id, all nil for no
// value. Times and versions are fixed-width strings, compared as strings.
// Expiry times are Unix milliseconds in 16 digits; tonumber reads them
// exactly.
const token = `
local function parse(v)
  if not v then
    return nil, nil
  end
  if v:sub(1, 1) == 'H' then
    local n = tonumber(v:sub(70, 74))
    return 'H', v:sub(75, 74 + n)
  end
  return 'L', v:sub(66)
end
local v = redis.call('GET', KEYS[1])
local kind, id = parse(v)
`

// claimHome makes KEYS[1] the home ARGV[2] of record ARGV[1], expiring at
// ARGV[3]. It answers 1, or 0 if the key belongs to another record or is a
// link. A home of the same record is replaced: it is left by an earlier
// attempt of the same write.
var claimHome = newScript(token + `
if kind and (id ~= ARGV[1] or kind ~= 'H') then
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
if kind ~= 'H' or id ~= ARGV[1] then
  return -1
end
if v:sub(50, 69) ~= ARGV[2] then
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
// to ARGV[2] and ARGV[3], each only if later, by overwriting them in place,
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
if ARGV[2] > v:sub(2, 17) then
  redis.call('SETRANGE', KEYS[1], 1, ARGV[2])
end
if ARGV[3] > v:sub(18, 33) then
  redis.call('SETRANGE', KEYS[1], 17, ARGV[3])
  local abs = v:sub(34, 49)
  if ARGV[4] < abs then
    abs = ARGV[4]
  end
  redis.call('PEXPIREAT', KEYS[1], tonumber(abs))
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
// ARGV[2] ('H' or 'L'). It answers 1 if it did.
var drop = newScript(token + `
if id ~= ARGV[1] or kind ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
`)

// addUser adds the id ARGV[1] to the user set KEYS[1] and makes the set
// live at least until ARGV[2], by the server's clock.
var addUser = newScript(`
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ttl < 0 or now + ttl < tonumber(ARGV[2]) then
  redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[2]))
end
return 1
`)

// clearToken deletes the token key KEYS[1] and answers 1 if it was a home,
// for DeleteAll's count.
var clearToken = newScript(`
local home = redis.call('GETRANGE', KEYS[1], 0, 0) == 'H'
redis.call('DEL', KEYS[1])
if home then
  return 1
end
return 0
`)
