-- wrk script: POST /v1/sessions/validate with each token in $TOKENS in
-- turn, with the API key in $API_KEY.
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  tokens[#tokens + 1] = line
end
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("API_KEY"),
  ["Content-Type"] = "application/json",
}
local i = 0

request = function()
  i = i % #tokens + 1
  local body = '{"token":"' .. tokens[i] .. '","ip":"127.0.0.1","user_agent":"loadtest"}'
  return wrk.format("POST", "/v1/sessions/validate", headers, body)
end

response = function(status)
  if status ~= 200 then
    print("unexpected status " .. status)
    os.exit(1)
  end
end
