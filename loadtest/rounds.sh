# rounds.sh: shared by run.sh and validate.sh. Source it, then call
# rounds N SECS SCRIPT URL_A URL_B: N rounds of wrk (CONNS connections,
# default 64, one thread pinned to CPU 1) against A then B, alternating which goes first,
# printing requests/s, p99 and B's share of A's throughput for each
# round, then the median share. With PID_A and PID_B, the servers'
# process ids, it also prints the CPU time each server spent per request
# (user and system, in µs) and their medians: a figure that drifts less
# with the machine's speed than requests/s do.

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

# cpu_ticks PID prints the user and system CPU time of PID, in clock
# ticks, or 0 without a PID.
cpu_ticks() {
	if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi
}

# measure URL SCRIPT SECS [PID] prints "REQS/S P99 CPU-µs/REQ" for one wrk
# run (CPU "-" without a PID).
measure() {
	local t0 t1 out
	t0=$(cpu_ticks "${4:-}")
	out=$(taskset -c 1 wrk -t1 -c"${CONNS:-64}" -d"$3"s --latency -s "$2" "$1")
	t1=$(cpu_ticks "${4:-}")
	awk -v dt=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v pid="${4:-}" '
		/requests in/ {n=$1} /^Requests\/sec/ {r=$2} /^ +99%/ {p=$2}
		END {c = pid == "" || n == 0 ? "-" : sprintf("%.2f", dt / hz * 1e6 / n); print r, p, c}' <<<"$out"
}

# median reads numbers, one a line, and prints their median.
median() {
	sort -n | awk '{v[NR]=$1} END {printf "%.3f", NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}

rounds() {
	local n=$1 secs=$2 script=$3 a=$4 b=$5 shares=() cpus_a=() cpus_b=()
	printf '%-6s %12s %10s %8s %12s %10s %8s %7s\n' round "${A:-plain}-req/s" p99 cpu "${B:-session}-req/s" p99 cpu share
	for i in $(seq 1 "$n"); do
		if ((i % 2)); then
			read -r ra pa ca < <(measure "$a" "$script" "$secs" "${PID_A:-}")
			read -r rb pb cb < <(measure "$b" "$script" "$secs" "${PID_B:-}")
		else
			read -r rb pb cb < <(measure "$b" "$script" "$secs" "${PID_B:-}")
			read -r ra pa ca < <(measure "$a" "$script" "$secs" "${PID_A:-}")
		fi
		share=$(awk -v a="$ra" -v b="$rb" 'BEGIN {printf "%.3f", b/a}')
		shares+=("$share") cpus_a+=("$ca") cpus_b+=("$cb")
		printf '%-6s %12s %10s %8s %12s %10s %8s %7s\n' "$i" "$ra" "$pa" "$ca" "$rb" "$pb" "$cb" "$share"
	done
	printf 'median share %s over %d rounds\n' "$(printf '%s\n' "${shares[@]}" | median)" "$n"
	if [ -n "${PID_A:-}" ] && [ -n "${PID_B:-}" ]; then
		printf 'median CPU per request: %s µs %s, %s µs %s\n' \
			"$(printf '%s\n' "${cpus_a[@]}" | median)" "${A:-plain}" \
			"$(printf '%s\n' "${cpus_b[@]}" | median)" "${B:-session}"
	fi
}
