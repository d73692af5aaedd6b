#!/usr/bin/env bash
# make static: without MUSL_DEPS, or with a prefix that lacks one of the
# libraries, it stops with a message that says what is missing and builds
# nothing. With MUSL_DEPS in the environment (a prefix made by
# tools/musl-deps; the CI has none, its sources are not in Debian), it
# also builds the static binary and checks it: no interpreter, and the
# same table as the tree's build from a recording.
here=$(dirname "$0")
. "$here/../lib.sh"
case $CTOP in
*-asan/*) skip "checked in the plain run" ;;
esac
top=$(cd "$here/../.." && pwd)

env -u MUSL_DEPS make -s -C "$top" --no-print-directory static >"$TMPD/none" 2>&1 &&
	fail "make static without MUSL_DEPS succeeded"
grep -q "set MUSL_DEPS to a prefix with libmnl and ncursesw built for musl" "$TMPD/none" ||
	fail "make static without MUSL_DEPS says: $(cat "$TMPD/none")"
ok "no MUSL_DEPS: $(head -n 1 "$TMPD/none")"

mkdir -p "$TMPD/half/lib"
: >"$TMPD/half/lib/libmnl.a"
make -s -C "$top" --no-print-directory static MUSL_DEPS="$TMPD/half" >"$TMPD/half.log" 2>&1 &&
	fail "make static with a prefix lacking ncursesw succeeded"
grep -q "$TMPD/half/lib/libncursesw.a is missing" "$TMPD/half.log" ||
	fail "make static with half a prefix says: $(cat "$TMPD/half.log")"
ok "half a prefix: names lib/libncursesw.a"

[ -n "${MUSL_DEPS:-}" ] || { ok "no MUSL_DEPS in the environment: the static build itself is not tried"; exit 0; }
command -v musl-gcc >/dev/null || skip "no musl-gcc (make deps installs musl-tools)"
make -s -C "$top" --no-print-directory static MUSL_DEPS="$MUSL_DEPS" -j2 >"$TMPD/build.log" 2>&1 ||
	fail "make static MUSL_DEPS=$MUSL_DEPS: $(tail -n 20 "$TMPD/build.log")"
bin=$top/build-static/ctop
readelf -l "$bin" | grep -q INTERP && fail "build-static/ctop has a program interpreter: not static"
ok "static binary: $(stat -c %s "$bin") bytes, stripped"
"$bin" --replay "$top/tests/data/dump-all.nl" -1 -o csv >"$TMPD/static.csv" ||
	fail "static ctop --replay exited $?"
"$CTOP" --replay "$top/tests/data/dump-all.nl" -1 -o csv >"$TMPD/tree.csv"
cmp -s "$TMPD/static.csv" "$TMPD/tree.csv" || fail "the static ctop prints another table"
assert_eq "static ctop replays" 25 "$(wc -l <"$TMPD/static.csv")"
exit 0
