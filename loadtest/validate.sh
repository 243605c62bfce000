#!/usr/bin/env bash
# validate.sh STORE [ROUNDS] [SECS]: POST /v1/sessions/validate on the
# sessiond service over HTTPS with STORE (bolt, redis, postgres or
# memory), against a plain HTTPS handler that decodes the same JSON body
# and answers a session of the same size. Both servers run pinned to
# CPU 0, wrk (64 connections) to CPU 1.
set -euo pipefail
store=${1:?usage: validate.sh STORE [ROUNDS] [SECS]}
rounds_n=${2:-6}
secs=${3:-5}
sessions=200
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$work"' EXIT
. "$here/rounds.sh"

case $store in
bolt) url=bolt://$work/sessions.db ;;
memory) url=memory:// ;;
redis) url="redis://127.0.0.1:6379/0?prefix=loadtest-validate:" ;;
postgres) url="postgres://postgres@127.0.0.1:5432/test?search_path=loadtest_validate" ;;
*) echo "validate.sh: unknown store $store" >&2; exit 2 ;;
esac

(cd "$here" && go build -o "$work/loadtest" .)
(cd "$here/../cmd/sessiond" && go build -o "$work/sessiond" .)
export API_KEY=loadtest-$RANDOM$RANDOM$RANDOM$RANDOM
SESSIOND_API_KEY=$API_KEY taskset -c 0 "$work/sessiond" serve --store "$url" \
	--data-dir "$work/data" --addr 127.0.0.1:8444 --log-level warn >"$work/sessiond.log" 2>&1 &
PID_B=$!
wait_up https://127.0.0.1:8444/healthz
# The plain server uses the development certificate sessiond made.
taskset -c 0 "$work/loadtest" -mode plaintls -addr 127.0.0.1:8443 \
	-cert "$work/data/dev-cert.pem" -key "$work/data/dev-key.pem" >"$work/plain.log" 2>&1 &
PID_A=$!
wait_up https://127.0.0.1:8443/

: >"$work/tokens"
for i in $(seq "$sessions"); do
	curl -skf -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
		-d "{\"user_id\":\"user-$i\",\"ip\":\"127.0.0.1\",\"user_agent\":\"loadtest\",\"auth_methods\":[\"pwd\"]}" \
		https://127.0.0.1:8444/v1/sessions |
		sed -n 's/.*"token":"\([^"]*\)".*/\1/p' >>"$work/tokens"
done
[ "$(wc -l <"$work/tokens")" -eq "$sessions" ] || { echo "validate.sh: could not create sessions" >&2; exit 1; }
export TOKENS=$work/tokens
rounds "$rounds_n" "$secs" "$here/load.lua" https://127.0.0.1:8443/ https://127.0.0.1:8444/
