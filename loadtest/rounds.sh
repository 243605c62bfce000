# rounds.sh: shared by run.sh and validate.sh. Source it, then call
# rounds N SECS SCRIPT URL_A URL_B: N rounds of wrk (64 connections, one
# thread pinned to CPU 1) against A then B, alternating which goes first,
# printing requests/s, p99 and B's share of A's throughput for each
# round, then the median share.

# wait_up URL... waits up to a minute for each URL to answer, and fails
# if one does not.
wait_up() {
	for u in "$@"; do
		for _ in $(seq 300); do
			curl -sko /dev/null "$u" && continue 2
			sleep 0.2
		done
		echo "$0: $u did not answer" >&2
		return 1
	done
}

# measure URL SCRIPT SECS prints "REQS P99" for one wrk run.
measure() {
	taskset -c 1 wrk -t1 -c64 -d"$3"s --latency -s "$2" "$1" |
		awk '/^Requests\/sec/ {r=$2} /^ +99%/ {p=$2} END {print r, p}'
}

rounds() {
	local n=$1 secs=$2 script=$3 a=$4 b=$5 shares=()
	printf '%-6s %12s %10s %12s %10s %7s\n' round "${A:-plain}-req/s" p99 "${B:-session}-req/s" p99 share
	for i in $(seq 1 "$n"); do
		if ((i % 2)); then
			read -r ra pa < <(measure "$a" "$script" "$secs")
			read -r rb pb < <(measure "$b" "$script" "$secs")
		else
			read -r rb pb < <(measure "$b" "$script" "$secs")
			read -r ra pa < <(measure "$a" "$script" "$secs")
		fi
		share=$(awk -v a="$ra" -v b="$rb" 'BEGIN {printf "%.3f", b/a}')
		shares+=("$share")
		printf '%-6s %12s %10s %12s %10s %7s\n' "$i" "$ra" "$pa" "$rb" "$pb" "$share"
	done
	printf '%s\n' "${shares[@]}" | sort -n |
		awk '{v[NR]=$1} END {m = NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "median share %.3f over %d rounds\n", m, NR}'
}
