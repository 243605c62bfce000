-- wrk script for the login modes: POST /login with no cookie, so that
-- every request is a new login. Any answer but 200 stops the run.
request = function()
  return wrk.format("POST", "/login")
end

response = function(status)
  if status ~= 200 then
    print("unexpected status " .. status)
    os.exit(1)
  end
end
