# Shared helpers for kernel and screen tests (sourced, not run).
# Every namespace made by ns_new is deleted on exit, pass or fail, and every
# tmux session made by tmux_new is killed.
set -u
: "${CTOP:?CTOP must point at the ctop binary (tests/run sets it)}"
: "${CTLOAD:=$(dirname "$CTOP")/tests/ctload}"

_namespaces=()
_tmux_sessions=()
_pids=()	# background helpers (servers) to stop, pass or fail
# Each test has a tmux server of its own (a function shadows the command
# for every script that sources this file): a server shared between
# tests exits when its last session ends, and a session started while it
# is exiting fails ("server exited unexpectedly"). An idle session keeps
# ours up until the cleanup kills it.
_tmux_sock=ctop-test-$$
tmux() { command tmux -L "$_tmux_sock" "$@"; }
_cleanup() {
	local s n p
	for p in "${_pids[@]}"; do kill "$p" 2>/dev/null; done
	for s in "${_tmux_sessions[@]}"; do tmux kill-session -t "$s" 2>/dev/null; done
	if [ ${#_tmux_sessions[@]} -gt 0 ]; then
		tmux kill-server 2>/dev/null
		# tmux leaves its socket file behind when killed.
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$_tmux_sock"
	fi
	for n in "${_namespaces[@]}"; do ip netns delete "$n" 2>/dev/null; done
	[ -n "${TMPD:-}" ] && rm -rf "$TMPD"
	return 0
}
trap _cleanup EXIT
trap 'exit 130' INT TERM HUP

TMPD=$(mktemp -d)

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 77; }
ok() { echo "ok: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
[ -e /proc/sys/net/netfilter/nf_conntrack_max ] || skip "kernel has no nf_conntrack"

# ns_new VAR: make a fresh namespace and store its name in VAR.
ns_new() {
	local name="ctop-t$$-${#_namespaces[@]}"
	ip netns add "$name" || fail "cannot create namespace $name"
	_namespaces+=("$name")
	ip netns exec "$name" ip link set lo up
	printf -v "$1" '%s' "$name"
}

# ct NS ARGS...: conntrack(8) inside a namespace.
ct() { local ns=$1; shift; ip netns exec "$ns" conntrack "$@"; }

# ct_count NS: entries the kernel holds in NS.
ct_count() { ip netns exec "$1" conntrack -C; }

# silent_load NS CTLOAD-ARGS...: entries that will never report their end,
# as flows made before anyone listened under nf_conntrack_events=2: made
# while the namespace's sysctl is 0 (under 2 an entry made through
# ctnetlink gets the event extension only while some socket listens for
# events, under 0 never), then back to 2. Skips when the sysctl cannot be
# set in a namespace.
silent_load() {
	local ns=$1
	shift
	[ -x "$CTLOAD" ] || skip "needs $CTLOAD (make build/tests/ctload)"
	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_events=0 ||
		skip "cannot set nf_conntrack_events in a namespace"
	"$CTLOAD" --netns "$ns" -q "$@" >/dev/null || fail "ctload $*"
	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_events=2
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	ok "$1 = $3"
}

# tmux_new VAR WIDTH HEIGHT COMMAND: start COMMAND in a detached session.
tmux_new() {
	local s="ctop-t$$-${#_tmux_sessions[@]}"
	if [ ${#_tmux_sessions[@]} -eq 0 ]; then
		tmux new-session -d -s idle -x 80 -y 24 "sleep 100000" ||
			fail "tmux failed"
		_tmux_sessions+=(idle)
	fi
	tmux new-session -d -s "$s" -x "$2" -y "$3" "$4" || fail "tmux failed"
	_tmux_sessions+=("$s")
	printf -v "$1" '%s' "$s"
}
screen_of() { tmux capture-pane -p -t "$1"; }

# wait_screen SESSION REGEX [SECONDS]: until the screen matches.
wait_screen() {
	local i n=$(( ${3:-10} * 10 ))
	for ((i = 0; i < n; i++)); do
		screen_of "$1" | grep -qE -- "$2" && return 0
		sleep 0.1
	done
	screen_of "$1" >&2
	fail "screen never showed /$2/"
}
