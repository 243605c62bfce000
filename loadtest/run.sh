#!/usr/bin/env bash
# run.sh STORE [ROUNDS] [SECS]: the read path over HTTP on STORE (memory,
# bolt, redis or postgres), sessiond's middleware against a plain handler
# doing the same store read. With TYPED=1 both handlers set Content-Type.
# A and B name the two modes compared (default plain and session; floor is
# the least any session layer does, write a session write and upsert a
# bare one, login and logindata a login that sets a value and scs the
# same with scs, see doc.go); requests are POST when either is write.
# With a login mode every request is a new login (login.lua) from 16
# connections (CONNS). SESSIONS
# is how many sessions (default 1000). Both servers run pinned to CPU 0,
# wrk to CPU 1. Needs wrk and taskset; redis and postgres need the local
# servers.
set -euo pipefail
store=${1:?usage: run.sh STORE [ROUNDS] [SECS]}
rounds_n=${2:-6}
secs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$work"' EXIT
. "$here/rounds.sh"

(cd "$here" && go build -o "$work/loadtest" .)
sessions=${SESSIONS:-1000}
taskset -c 0 "$work/loadtest" -store "$store" -mode "${A:-plain}" -addr 127.0.0.1:8081 -dir "$work" -tokens "$work/tokens-a" -sessions "$sessions" ${TYPED:+-typed} &
PID_A=$!
taskset -c 0 "$work/loadtest" -store "$store" -mode "${B:-session}" -addr 127.0.0.1:8082 -dir "$work" -tokens "$work/tokens" -sessions "$sessions" ${TYPED:+-typed} &
PID_B=$!
wait_up http://127.0.0.1:8081/ http://127.0.0.1:8082/
export TOKENS=$work/tokens
unset API_KEY # load.lua: GET (or METHOD) with the session cookie
case " ${A:-plain} ${B:-session} " in *" write "*) export METHOD=POST ;; *) unset METHOD ;; esac
script=$here/load.lua
case " ${A:-plain} ${B:-session} " in
*" login "* | *" logindata "* | *" scs "*)
	# A login a request, from 16 clients.
	script=$here/login.lua
	export CONNS=${CONNS:-16}
	;;
esac
rounds "$rounds_n" "$secs" "$script" http://127.0.0.1:8081/ http://127.0.0.1:8082/
