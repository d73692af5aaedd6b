#!/usr/bin/env bash
# --netns by name and by path reads that namespace's table, not the host's
# nor another one's.
here=$(dirname "$0")
. "$here/../lib.sh"
. "$here/fill.bash"

ns_new A
ns_new B
fill_kinds "$A"
fill_load "$B" 700 --proto mix --sources 20
_ins "$B" -p tcp -s 10.77.0.1 -d 10.77.0.2 --sport 7 --dport 7 --state ESTABLISHED -t 600
ct_dump "$A" "$TMPD/ctA"
ct_dump "$B" "$TMPD/ctB"
[ "$(wc -l <"$TMPD/ctA")" != "$(wc -l <"$TMPD/ctB")" ] ||
	fail "the two namespaces should differ in size"

check() {	# NETNS-ARG CT-FILE WHAT
	"$CTOP" --netns "$1" -1 -o json >"$TMPD/json" 2>"$TMPD/err" ||
		fail "ctop --netns $1 exited $?: $(cat "$TMPD/err")"
	compare flows "$2" "$TMPD/json" ||
		fail "ctop --netns $1 is not $3's table"
	assert_eq "--netns $1 count" "$(wc -l <"$2")" "$(jq .shown "$TMPD/json")"
}
check "$A" "$TMPD/ctA" "$A"
check "$B" "$TMPD/ctB" "$B"
check "/run/netns/$A" "$TMPD/ctA" "$A"
check "/run/netns/$B" "$TMPD/ctB" "$B"

# A path of a process's namespace works too.
ip netns exec "$B" sleep 30 &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(readlink /proc/$pid/ns/net)" = "$(ip netns exec "$B" readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
check "/proc/$pid/ns/net" "$TMPD/ctB" "$B"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# The entry only B has is not in A's output.
assert_eq "B's entry in A" 0 \
	"$("$CTOP" --netns "$A" -1 -o json 'src 10.77.0.1' | jq .shown)"
assert_eq "B's entry in B" 1 \
	"$("$CTOP" --netns "$B" -1 -o json 'src 10.77.0.1' | jq .shown)"
exit 0
