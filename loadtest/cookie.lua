-- wrk script: GET / with the session cookie of each token in $TOKENS in
-- turn.
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do
  tokens[#tokens + 1] = line
end
local i = 0

request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/", { ["Cookie"] = "__Host-session=" .. tokens[i] })
end

response = function(status)
  if status ~= 200 then
    print("unexpected status " .. status)
    os.exit(1)
  end
end
