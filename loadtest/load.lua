-- wrk script: one request per token in $TOKENS, in turn. With $API_KEY it
-- is the service's POST /v1/sessions/validate; without, GET / (or $METHOD
-- /, such as POST / for the write modes) with the token as the session
-- cookie. Any answer but 200 stops the run.
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  tokens[#tokens + 1] = line
end
local key = os.getenv("API_KEY")
local method = os.getenv("METHOD") or "GET"
local i = 0

request = function()
  i = i % #tokens + 1
  if key == nil or key == "" then
    return wrk.format(method, "/", { ["Cookie"] = "__Host-session=" .. tokens[i] })
  end
  local body = '{"token":"' .. tokens[i] .. '","ip":"127.0.0.1","user_agent":"loadtest"}'
  return wrk.format("POST", "/v1/sessions/validate", {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }, body)
end

response = function(status)
  if status ~= 200 then
    print("unexpected status " .. status)
    os.exit(1)
  end
end
